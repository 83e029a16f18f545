import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { ofListedPayouts, type PayoutRecords } from '../payout-records';

/** The conversions naming each live payout add up to its conversion part, all of them approved. */
export function payoutConversionDifferences(records: PayoutRecords): Difference[] {
  const expected: Tally = new Map(
    records.payouts
      .filter((p) => records.live.has(p._id))
      .map((p) => [p._id, { amountCents: p.amountCents - (p.clickAmountCents ?? 0), conversionCount: p.conversionCount, approved: p.conversionCount }]),
  );
  const held: Tally = new Map();
  for (const c of records.convs) if (c.payoutId) tallyAdd(held, c.payoutId, { amountCents: c.payoutCents, conversionCount: 1, approved: c.status === 'approved' ? 1 : 0 });
  return diffTallies('payout_conversions', expected, ofListedPayouts(records, held), ['amountCents', 'conversionCount', 'approved']);
}
