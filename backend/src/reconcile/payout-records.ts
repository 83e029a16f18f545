import type { AppContext } from '../context';
import { payoutClaims } from '../db/payout-claims';
import type { Tally } from '../domain/reconcile-diff';
import type { ReconcileScope } from './scope';

/**
 * Payouts holding conversions or click earnings from the range: those whose
 * period overlaps it, and those holding its click earnings (`earnings`)
 * whatever their period. Payouts still being built are not finished yet.
 */
export async function payoutsTouching(ctx: AppContext, scope: ReconcileScope, earnings: ReadonlyArray<{ payoutId: string | null }>) {
  const byPeriod = await ctx.models.Payout.find({ status: { $ne: 'building' }, periodStart: { $lt: new Date(scope.toMs) }, periodEnd: { $gte: new Date(scope.fromMs) } }).lean();
  const periodIds = new Set(byPeriod.map((p) => p._id));
  const heldByOthers = [...new Set(earnings.map((e) => e.payoutId).filter((id): id is string => id !== null && !periodIds.has(id)))];
  if (heldByOthers.length === 0) return byPeriod;
  const held = (await Promise.all(heldByOthers.map((id) => ctx.models.Payout.findById(id).lean()))).filter((p) => p !== null && p.status !== 'building');
  return [...byPeriod, ...(held as typeof byPeriod)];
}

type TouchedPayout = Awaited<ReturnType<typeof payoutsTouching>>[number];

/** Payouts with everything that points at them: lines, conversions, click earnings and claims. */
export async function loadPayoutRecords(ctx: AppContext, payouts: TouchedPayout[]) {
  const ids = payouts.map((p) => p._id);
  const [lines, convs, earnings, claims] = await Promise.all([
    ctx.models.PayoutLine.find({ payoutId: { $in: ids } }, { payoutId: 1, kind: 1, conversionId: 1, clickEarningId: 1, clicks: 1, amountCents: 1 }).lean(),
    ctx.models.Conversion.find({ payoutId: { $in: ids } }, { _id: 1, payoutId: 1, payoutCents: 1, status: 1 }).lean(),
    ctx.models.ClickEarning.find({ payoutId: { $in: ids } }, { _id: 1, payoutId: 1, payoutCents: 1, clicks: 1 }).lean(),
    payoutClaims(ctx.db).find({ payoutId: { $in: ids } }).toArray(),
  ]);
  // A rejected payout has released its conversions and click earnings: only its lines remain, as a record.
  const live = new Set(payouts.filter((p) => p.status !== 'rejected').map((p) => p._id));
  return { payouts, live, lines, convs, earnings, claims };
}

export type PayoutRecords = Awaited<ReturnType<typeof loadPayoutRecords>>;

export const isClicksLine = (l: { kind?: string | null }) => l.kind === 'clicks';

/** What each payout says it holds, per payout id. */
export function statedTotals(records: PayoutRecords): Tally {
  return new Map(
    records.payouts.map((p) => [
      p._id,
      { amountCents: p.amountCents, conversionCount: p.conversionCount, clickEarningCount: p.clickEarningCount ?? 0, clickCount: p.clickCount ?? 0 },
    ]),
  );
}

/** Keeps the keys that are payouts being reconciled. */
export function ofListedPayouts(records: PayoutRecords, t: Tally): Tally {
  const known = new Set(records.payouts.map((p) => p._id));
  return new Map([...t].filter(([k]) => records.live.has(k) || known.has(k)));
}
