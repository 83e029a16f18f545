import type { AppContext } from '../context';
import { findEachById } from '../db/by-ids';
import { clickSettledDays } from '../db/models/click-earning';
import { isoDay } from '../domain/payout-plan';
import { dayKeyToMs, dayStart } from '../domain/time-buckets';
import type { ReconcileScope } from './scope';

/** The click earnings of the days the range touches: compared with the rollup, and followed to the payouts holding them. */
export async function clickEarningsInRange(ctx: AppContext, scope: ReconcileScope) {
  return ctx.models.ClickEarning.find({ dayStart: { $gte: new Date(dayStart(scope.fromMs)), $lt: new Date(scope.toMs) } }).lean();
}

export type RangeClickEarning = Awaited<ReturnType<typeof clickEarningsInRange>>[number];

/** Which of `days` (day keys) have their click earnings settled (as `YYYY-MM-DD`): a day not settled yet has none to compare. */
export async function settledClickDays(ctx: AppContext, days: string[]): Promise<Set<string>> {
  if (days.length === 0) return new Set();
  const isoDays = days.map((d) => isoDay(dayKeyToMs(d)));
  return new Set((await findEachById(clickSettledDays(ctx.db), isoDays, { _id: 1 })).map((d) => d._id));
}
