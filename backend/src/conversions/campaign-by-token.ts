import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import { sharedReads } from '../db/group-commit';

/** Does this token open the campaign at time `at`? The previous secret works until its grace period ends. */
export function tokenMatches(c: Pick<CampaignDoc, 'postbackSecret' | 'previousPostbackSecret' | 'previousSecretValidUntil'>, token: string, at: number): boolean {
  if (c.postbackSecret === token) return true;
  return c.previousPostbackSecret === token && c.previousSecretValidUntil !== null && c.previousSecretValidUntil.getTime() > at;
}

const CACHE_TTL_MS = 60_000;
const MISS_TTL_MS = 5_000;
const CACHE_MAX = 10_000;

interface Entry {
  campaignId: string | null;
  expires: number;
}

const caches = new WeakMap<AppContext, Map<string, Entry>>();

/** Postbacks of a campaign in flight at the same moment share one read of it. */
const campaignById = sharedReads(async (ctx: AppContext, id: string) => (await ctx.models.Campaign.findById(id).lean()) as CampaignDoc | null);

/**
 * The campaign a postback token belongs to. Secrets are not `_id`s, so
 * finding one scans the campaigns; a per-process map from token to campaign
 * id keeps that off the hot path. The campaign itself is always read fresh by
 * _id (one read shared by the postbacks asking at the same moment) and the token re-checked, so a stale map entry can never let a revoked
 * secret through. Unknown tokens are remembered briefly so a flood of bad
 * postbacks does not scan the collection for each one.
 */
export async function campaignForToken(ctx: AppContext, token: string, at: number): Promise<CampaignDoc | null> {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(token);
  if (hit && hit.expires > now) {
    if (hit.campaignId === null) return null;
    const c = await campaignById(ctx, hit.campaignId);
    if (c && tokenMatches(c, token, at)) return c;
  }
  cache.delete(token);
  const found = (await ctx.models.Campaign.findOne({ $or: [{ postbackSecret: token }, { previousPostbackSecret: token }] }).lean()) as CampaignDoc | null;
  const c = found && tokenMatches(found, token, at) ? found : null;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(token, { campaignId: c?._id ?? null, expires: now + (c ? CACHE_TTL_MS : MISS_TTL_MS) });
  return c;
}
