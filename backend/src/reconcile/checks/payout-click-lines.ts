import { clickClaimId } from '../../domain/payout-plan';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { isClicksLine, type PayoutRecords } from '../payout-records';

/**
 * A live payout's clicks line carries its click earning's clicks and amount
 * (per payout and claim id). A line or earning missing on one side is
 * reported by the links check, not again here.
 */
export function payoutClickLineDifferences(records: PayoutRecords): Difference[] {
  const lines: Tally = new Map();
  const earnings: Tally = new Map();
  for (const l of records.lines) {
    if (isClicksLine(l) && records.live.has(l.payoutId)) tallyAdd(lines, `${l.payoutId}|${clickClaimId(l.clickEarningId ?? '')}`, { amountCents: l.amountCents, clicks: l.clicks ?? 0 });
  }
  for (const e of records.earnings) {
    if (e.payoutId && records.live.has(e.payoutId)) tallyAdd(earnings, `${e.payoutId}|${clickClaimId(e._id)}`, { amountCents: e.payoutCents, clicks: e.clicks });
  }
  const bothSides = (t: Tally) => new Map([...t].filter(([k]) => lines.has(k) && earnings.has(k)));
  return diffTallies('payout_click_lines', bothSides(earnings), bothSides(lines), ['amountCents', 'clicks']);
}
