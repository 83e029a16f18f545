import type { AppContext } from '../context';

/**
 * The key of a stats row, as in `stats_hourly`'s `_id`: hour (or day) ×
 * campaign × affiliate × sub1 (empty unless the campaign tracks sub1). Sums
 * per campaign alone would not see clicks or conversions moved between
 * affiliates or sub IDs, and affiliates are paid by that split.
 */
const statKey = (bucket: string, campaignId: string, affiliateId: string, sub1: string) => `${bucket}|${campaignId}|${affiliateId}|${sub1}`;

/** How raw events are grouped into stats rows (`groupSum` keys); `rawRowKey` turns a group's key into its row's key. */
export const RAW_GROUP_KEYS = { h: 'hour', c: 'campaignId', a: 'affiliateId', s: 'sub1' };

/** The key of a stored stats row (or row record) of the hour starting at `hour`. */
export const rowKey = (hour: number, r: { campaignId: string; affiliateId: string; sub1?: string | null }) =>
  statKey(new Date(hour).toISOString(), r.campaignId, r.affiliateId, r.sub1 ?? '');

/** Keys raw-event groups as stats rows are keyed: a sub1 counts only for the campaigns that track it. */
export async function rawRowKey(ctx: AppContext): Promise<(k: Record<string, unknown>) => string> {
  const trackSub1 = new Set((await ctx.models.Campaign.find({ trackSub1: true }, { _id: 1 }).lean()).map((c) => c._id));
  return (k) => {
    const c = k.c as string;
    return statKey(new Date(k.h as Date).toISOString(), c, k.a as string, trackSub1.has(c) ? ((k.s as string | null) ?? '') : '');
  };
}
