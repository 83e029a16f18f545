import type { AppContext } from '../context';
import { changeConversionStatus } from '../conversions/status-change';
import { ApiError } from '../domain/errors';
import { DAY_MS } from '../domain/time-buckets';

/** Who the history names for changes made by the platform itself. */
export const SYSTEM_ACTOR = 'system';

/**
 * Pending conversions of campaigns with an auto-approve period, older than
 * that period and not held as suspected fraud, become approved, like the
 * networks' hold periods. Each goes through the same status change as a
 * review (conditional update, cap place, history, dirty hour, live totals,
 * outbound postback), so a conversion reviewed meanwhile is left alone.
 */
export async function autoApprove(ctx: AppContext, nowMs = Date.now()): Promise<{ campaigns: number; candidates: number; approved: number }> {
  const campaigns = await ctx.models.Campaign.find({ autoApproveAfterDays: { $ne: null } }, { _id: 1, autoApproveAfterDays: 1 }).lean();
  const days = new Map(campaigns.filter((c) => c.autoApproveAfterDays !== null).map((c) => [c._id, c.autoApproveAfterDays as number]));
  const counts = { campaigns: days.size, candidates: 0, approved: 0 };
  if (days.size === 0) return counts;
  // One query for all campaigns: FerretDB scans the collection once per query whatever the filter.
  const pending = await ctx.models.Conversion.find(
    { status: 'pending', suspectedFraud: false, payoutId: null, campaignId: { $in: [...days.keys()] } },
    { _id: 1, campaignId: 1, convertedAt: 1 },
  ).lean();
  for (const c of pending) {
    const d = days.get(c.campaignId);
    if (d === undefined || c.convertedAt.getTime() > nowMs - d * DAY_MS) continue;
    counts.candidates += 1;
    try {
      await changeConversionStatus(ctx, c._id, 'approved', { by: SYSTEM_ACTOR, note: `auto-approved after ${d} day${d === 1 ? '' : 's'}` });
      counts.approved += 1;
    } catch (err) {
      // Reviewed, paid out or over the cap since it was read: the next run looks again.
      if (!(err instanceof ApiError)) throw err;
      ctx.log.info({ conversionId: c._id, err: err.message }, 'auto-approve skipped a conversion');
    }
  }
  return counts;
}
