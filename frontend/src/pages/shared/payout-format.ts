import type { PayoutRun } from '../../api/payouts';
import type { Payout } from '../../api/types';
import { formatCount as plural } from '../../lib/format';

/** The toast after a payout run: what it created and what waits for a later run (a "day of CPC clicks" is one click earning: a campaign's paid clicks of a UTC day). */
export function payoutRunSummary(run: PayoutRun): string {
  const c = run.counts;
  const parts = [plural(c.payouts ?? 0, 'payout', 'payouts'), plural(c.conversions ?? 0, 'conversion', 'conversions')];
  if (c.clickEarnings) parts.push(plural(c.clickEarnings, 'day of CPC clicks', 'days of CPC clicks'));
  if (c.carriedOver) parts.push(`${plural(c.carriedOver, 'conversion', 'conversions')} below the minimum carried over`);
  if (c.carriedOverClickEarnings) parts.push(`${plural(c.carriedOverClickEarnings, 'day of CPC clicks', 'days of CPC clicks')} below the minimum carried over`);
  return `Payout run ${run.status}: ${parts.join(', ')}`;
}

/** Who a payout is for; the id when the account is gone. */
export const affiliateLabel = (p: Pick<Payout, 'affiliateName' | 'affiliateId'>): string => p.affiliateName ?? `affiliate ${p.affiliateId}`;
