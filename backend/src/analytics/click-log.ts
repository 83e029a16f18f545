import type { ClickLogEntry, ClickLogPage } from '@offerly/contract';
import type { AppContext } from '../context';
import { readClickLog, type ClickLogScope } from '../db/click-log';
import type { CampaignDoc } from '../db/models/campaign';
import { findClick, partitionKey, type ClickDoc } from '../db/raw-events';
import { UNKNOWN, UNKNOWN_COUNTRY } from '../domain/click-classify';
import { notFound } from '../domain/errors';
import { canManageCampaign, type Principal } from '../domain/permissions';
import { oldestEventHour } from './raw-rows';

function entryOf(c: ClickDoc): ClickLogEntry {
  return {
    id: c._id,
    at: c.ts.toISOString(),
    linkId: c.linkId,
    campaignId: c.campaignId,
    affiliateId: c.affiliateId,
    sub1: c.sub1,
    sub2: c.sub2,
    sub3: c.sub3,
    sub4: c.sub4,
    sub5: c.sub5,
    country: c.country ?? UNKNOWN_COUNTRY,
    device: c.device ?? UNKNOWN,
    os: c.os ?? UNKNOWN,
    browser: c.browser ?? UNKNOWN,
    valid: c.valid === 1,
    unique: c.unique === 1,
    reason: c.reason,
  };
}

/**
 * One page of a scope's click log: ids from its hour buckets, then each
 * click by `_id` in the partition its id names (in parallel; ids whose click
 * is gone, dropped by retention, are skipped).
 */
async function clickLogPage(ctx: AppContext, scope: ClickLogScope, q: { limit: number; cursor?: string | undefined }): Promise<ClickLogPage> {
  const oldest = await oldestEventHour(ctx, ctx.config.ANALYTICS_RAW_CACHE_MS);
  const oldestHour = Number.isFinite(oldest) ? partitionKey(oldest) : '9999999999';
  const { ids, next } = await readClickLog(ctx.db, scope, { before: q.cursor, limit: q.limit, oldestHour });
  const clicks = await Promise.all(ids.map((id) => findClick(ctx.db, id)));
  const items = clicks.filter((c): c is ClickDoc => c !== null).map(entryOf);
  return { items, total: null, limit: q.limit, nextCursor: next, page: null, pages: null };
}

export async function campaignClickLog(ctx: AppContext, p: Principal, campaignId: string, q: { limit: number; cursor?: string | undefined }): Promise<ClickLogPage> {
  const c = (await ctx.models.Campaign.findById(campaignId).lean()) as CampaignDoc | null;
  if (!c || !canManageCampaign(p, c)) throw notFound('Campaign');
  return clickLogPage(ctx, { kind: 'c', id: campaignId }, q);
}

export function affiliateClickLog(ctx: AppContext, affiliateId: string, q: { limit: number; cursor?: string | undefined }): Promise<ClickLogPage> {
  return clickLogPage(ctx, { kind: 'a', id: affiliateId }, q);
}
