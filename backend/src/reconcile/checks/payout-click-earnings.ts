import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { ofListedPayouts, type PayoutRecords } from '../payout-records';

/** The click earnings naming each live payout add up to its clicks part. */
export function payoutClickEarningDifferences(records: PayoutRecords): Difference[] {
  const expected: Tally = new Map(
    records.payouts
      .filter((p) => records.live.has(p._id))
      .map((p) => [p._id, { amountCents: p.clickAmountCents ?? 0, clickEarningCount: p.clickEarningCount ?? 0, clickCount: p.clickCount ?? 0 }]),
  );
  const held: Tally = new Map();
  for (const e of records.earnings) if (e.payoutId) tallyAdd(held, e.payoutId, { amountCents: e.payoutCents, clickEarningCount: 1, clickCount: e.clicks });
  return diffTallies('payout_click_earnings', expected, ofListedPayouts(records, held), ['amountCents', 'clickEarningCount', 'clickCount']);
}
