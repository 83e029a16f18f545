import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import { sharedReads } from '../db/group-commit';
import { campaignIdForToken } from '../db/postback-tokens';

/** Does this token open the campaign at time `at`? The previous secret works until its grace period ends. */
export function tokenMatches(c: Pick<CampaignDoc, 'postbackSecret' | 'previousPostbackSecret' | 'previousSecretValidUntil'>, token: string, at: number): boolean {
  if (c.postbackSecret === token) return true;
  return c.previousPostbackSecret === token && c.previousSecretValidUntil !== null && c.previousSecretValidUntil.getTime() > at;
}

const CACHE_TTL_MS = 60_000;
const MISS_TTL_MS = 5_000;
const CACHE_MAX = 10_000;
/** How long intake trusts what it learnt about a token without reading the campaign again. */
const OWNER_TTL_MS = 5_000;

interface Entry {
  campaignId: string | null;
  expires: number;
}

/** What intake needs to know about a token's campaign. */
export interface TokenOwner {
  campaignId: string;
  advertiserId: string;
  allowedIps: string[];
}

interface OwnerEntry {
  owner: TokenOwner | null;
  expires: number;
}

const caches = new WeakMap<AppContext, Map<string, Entry>>();
const owners = new WeakMap<AppContext, Map<string, OwnerEntry>>();

const cacheOf = <T>(m: WeakMap<AppContext, Map<string, T>>, ctx: AppContext): Map<string, T> => {
  let c = m.get(ctx);
  if (!c) m.set(ctx, (c = new Map()));
  return c;
};

/** Postbacks of a campaign in flight at the same moment share one read of it. */
const campaignById = sharedReads(async (ctx: AppContext, id: string) => (await ctx.models.Campaign.findById(id).lean()) as CampaignDoc | null);

/**
 * The campaign a postback token belongs to. The token index gives the
 * campaign id by `_id` (db/postback-tokens.ts) and a per-process map keeps
 * even that off the hot path. The campaign itself is always read fresh by
 * _id (one read shared by the postbacks asking at the same moment) and the
 * token re-checked, so a stale entry can never let a revoked secret through.
 * Unknown tokens are remembered briefly.
 */
export async function campaignForToken(ctx: AppContext, token: string, at: number): Promise<CampaignDoc | null> {
  const cache = cacheOf(caches, ctx);
  const now = Date.now();
  const hit = cache.get(token);
  if (hit && hit.expires > now) {
    if (hit.campaignId === null) return null;
    const c = await campaignById(ctx, hit.campaignId);
    if (c && tokenMatches(c, token, at)) return c;
  }
  cache.delete(token);
  const id = await campaignIdForToken(ctx.db, token);
  const found = id ? await campaignById(ctx, id) : null;
  const c = found && tokenMatches(found, token, at) ? found : null;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(token, { campaignId: c?._id ?? null, expires: now + (c ? CACHE_TTL_MS : MISS_TTL_MS) });
  return c;
}

/**
 * The owner of a token as intake sees it: remembered for a few seconds so a
 * steady stream of postbacks does not read the campaign for each one. Past
 * that, a token known valid is answered from memory at once while one read
 * refreshes it in the background, so a campaign's postbacks keep being
 * accepted, without waiting, through a database outage or stall (the worker
 * checks the token again). Edits on this instance forget the campaign's
 * entries at once (forgetCampaignTokens); other instances within
 * OWNER_TTL_MS, give or take one request.
 */
export async function tokenOwner(ctx: AppContext, token: string): Promise<TokenOwner | null> {
  const cache = cacheOf(owners, ctx);
  const hit = cache.get(token);
  if (hit && hit.expires > Date.now()) return hit.owner;
  if (hit?.owner) {
    void refreshOwner(ctx, cache, token).catch((err: unknown) => ctx.log.warn({ err }, 'could not refresh a postback token'));
    return hit.owner;
  }
  return refreshOwner(ctx, cache, token);
}

const refreshing = new WeakMap<Map<string, OwnerEntry>, Map<string, Promise<TokenOwner | null>>>();

function refreshOwner(ctx: AppContext, cache: Map<string, OwnerEntry>, token: string): Promise<TokenOwner | null> {
  let inFlight = refreshing.get(cache);
  if (!inFlight) refreshing.set(cache, (inFlight = new Map()));
  const running = inFlight.get(token);
  if (running) return running;
  const p = (async () => {
    const c = await campaignForToken(ctx, token, Date.now());
    const owner = c ? { campaignId: c._id, advertiserId: c.advertiserId, allowedIps: c.postbackAllowedIps ?? [] } : null;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(token, { owner, expires: Date.now() + (owner ? OWNER_TTL_MS : MISS_TTL_MS) });
    return owner;
  })().finally(() => inFlight.delete(token));
  inFlight.set(token, p);
  return p;
}

/** Whether this process has seen the token open a campaign, without any I/O (a stale entry counts too). */
export function knownTokenOwner(ctx: AppContext, token: string): boolean {
  return !!owners.get(ctx)?.get(token)?.owner;
}

/** After a campaign's secret or allow-list changed: this process asks again. */
export function forgetCampaignTokens(ctx: AppContext, campaignId: string): void {
  const cache = owners.get(ctx);
  if (!cache) return;
  for (const [token, e] of cache) if (e.owner?.campaignId === campaignId) cache.delete(token);
  const byToken = caches.get(ctx);
  if (byToken) for (const [token, e] of byToken) if (e.campaignId === campaignId) byToken.delete(token);
}
