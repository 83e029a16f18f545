import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import type { RangeClickEarning } from '../range-click-earnings';

/**
 * Settled click earnings against the CPC value rolled up for their day (day ×
 * campaign × affiliate × currency), on `settledDays` (`YYYY-MM-DD`): days all
 * of whose hours were compared, so the rollup's side is whole.
 */
export function clickEarningDifferences(settledDays: ReadonlySet<string>, cpcByDay: Tally, earnings: readonly RangeClickEarning[]): Difference[] {
  const inSettled = (key: string) => settledDays.has(key.slice(0, key.indexOf('|')));
  const settled: Tally = new Map();
  for (const e of earnings) if (settledDays.has(e.day)) tallyAdd(settled, e._id, { clicks: e.clicks, payoutCents: e.payoutCents, revenueCents: e.revenueCents });
  const expected: Tally = new Map([...cpcByDay].filter(([k]) => inSettled(k)));
  return diffTallies('click_earnings', expected, settled, ['clicks', 'payoutCents', 'revenueCents']);
}
