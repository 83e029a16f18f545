import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';
import { markHoursDirty } from '../db/rollup-dirty';
import { statusFlags } from '../domain/attribution';
import { DAY_MS } from '../domain/time-buckets';

/**
 * Approves one pending conversion on behalf of the platform: status flags and
 * per-status cents move together, the change is kept in the history, its hour
 * is marked for re-rolling and the affiliate's outbound postback is queued
 * (job id `conv:<id>:approved`, so a repeat never delivers twice).
 * Returns false if the conversion was no longer pending or is in a payout.
 */
export async function approvePendingConversion(ctx: AppContext, c: Pick<ConversionDoc, '_id' | 'revenueCents' | 'payoutCents' | 'hour'>, note: string, at = new Date()): Promise<boolean> {
  const res = await ctx.models.Conversion.updateOne(
    { _id: c._id, status: 'pending', payoutId: null },
    {
      $set: {
        status: 'approved',
        ...statusFlags('approved'),
        revApprovedCents: c.revenueCents,
        revPendingCents: 0,
        payApprovedCents: c.payoutCents,
        payPendingCents: 0,
        approvedAt: at,
      },
      $push: { history: { at, by: 'system', from: 'pending', to: 'approved', reason: null, note } },
    },
  );
  if (res.modifiedCount !== 1) return false;
  await markHoursDirty(ctx.db, [c.hour]);
  await ctx.queues.deliveries.add('conversion', { conversionId: c._id }, { jobId: `conv:${c._id}:approved` });
  return true;
}

/**
 * Pending conversions of campaigns with an auto-approve period, older than
 * that period and not held as suspected fraud, become approved, like the
 * networks' hold periods.
 */
export async function autoApprove(ctx: AppContext, nowMs = Date.now()): Promise<{ campaigns: number; candidates: number; approved: number }> {
  const campaigns = await ctx.models.Campaign.find({ autoApproveAfterDays: { $ne: null } }, { _id: 1, autoApproveAfterDays: 1 }).lean();
  const days = new Map(campaigns.filter((c) => c.autoApproveAfterDays !== null).map((c) => [c._id, c.autoApproveAfterDays as number]));
  const counts = { campaigns: days.size, candidates: 0, approved: 0 };
  if (days.size === 0) return counts;
  // One query for all campaigns: FerretDB scans the collection once per query whatever the filter.
  const pending = await ctx.models.Conversion.find(
    { status: 'pending', suspectedFraud: false, payoutId: null, campaignId: { $in: [...days.keys()] } },
    { _id: 1, campaignId: 1, revenueCents: 1, payoutCents: 1, hour: 1, convertedAt: 1 },
  ).lean();
  const at = new Date(nowMs);
  for (const c of pending) {
    const d = days.get(c.campaignId);
    if (d === undefined || c.convertedAt.getTime() > nowMs - d * DAY_MS) continue;
    counts.candidates += 1;
    if (await approvePendingConversion(ctx, c, `auto-approved after ${d} day${d === 1 ? '' : 's'}`, at)) counts.approved += 1;
  }
  return counts;
}
