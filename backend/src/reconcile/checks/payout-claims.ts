import { isClickClaim } from '../../domain/payout-plan';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { statedTotals, type PayoutRecords } from '../payout-records';

/** Each live payout holds one claim per conversion and per click earning it counts. */
export function payoutClaimDifferences(records: PayoutRecords): Difference[] {
  const claims: Tally = new Map();
  for (const c of records.claims) tallyAdd(claims, c.payoutId, isClickClaim(c._id) ? { clickEarningCount: 1 } : { conversionCount: 1 });
  const expected: Tally = new Map([...statedTotals(records)].filter(([k]) => records.live.has(k)));
  return diffTallies('payout_claims', expected, claims, ['conversionCount', 'clickEarningCount']);
}
