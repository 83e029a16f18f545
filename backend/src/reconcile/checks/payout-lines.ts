import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { isClicksLine, statedTotals, type PayoutRecords } from '../payout-records';

/** Each payout's lines add up to what the payout says it holds. */
export function payoutLineDifferences(records: PayoutRecords): Difference[] {
  const lines: Tally = new Map();
  for (const l of records.lines) {
    tallyAdd(lines, l.payoutId, isClicksLine(l) ? { amountCents: l.amountCents, clickEarningCount: 1, clickCount: l.clicks ?? 0 } : { amountCents: l.amountCents, conversionCount: 1 });
  }
  return diffTallies('payout_lines', statedTotals(records), lines, ['amountCents', 'conversionCount', 'clickEarningCount', 'clickCount']);
}
