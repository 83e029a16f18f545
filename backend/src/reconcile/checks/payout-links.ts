import { clickClaimId, isClickClaim } from '../../domain/payout-plan';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { isClicksLine, type PayoutRecords } from '../payout-records';

type Link = 'line' | 'conversion' | 'earning' | 'claim';

/**
 * One by one, since equal sums do not show a line naming the wrong conversion
 * or click earning of the same amount: per live payout and claim id, a line,
 * the conversion's (or click earning's) payoutId and the claim must all be there.
 */
export function payoutLinkDifferences(records: PayoutRecords): Difference[] {
  const links: Tally = new Map();
  const link = (payoutId: string | null, claimId: string, field: Link) => {
    if (payoutId && records.live.has(payoutId)) tallyAdd(links, `${payoutId}|${claimId}`, { [field]: 1 });
  };
  for (const l of records.lines) link(l.payoutId, isClicksLine(l) ? clickClaimId(l.clickEarningId ?? '') : (l.conversionId ?? ''), 'line');
  for (const c of records.convs) link(c.payoutId, c._id, 'conversion');
  for (const e of records.earnings) link(e.payoutId, clickClaimId(e._id), 'earning');
  for (const c of records.claims) link(c.payoutId, c._id, 'claim');
  const complete: Tally = new Map(
    [...links.keys()].map((k): [string, Record<string, number>] => [k, isClickClaim(k.slice(k.indexOf('|') + 1)) ? { line: 1, earning: 1, claim: 1 } : { line: 1, conversion: 1, claim: 1 }]),
  );
  return diffTallies('payout_links', complete, links, ['line', 'conversion', 'earning', 'claim']);
}
