import type { AppContext } from '../context';
import { STAT_VALUE_FIELDS, statsHourly } from '../db/models/stats';
import { clickEarningId, isoDay } from '../domain/payout-plan';
import { tallyAdd, type Tally } from '../domain/reconcile-diff';
import type { ReconcileScope } from './scope';
import { rowKey } from './stat-keys';

/** The range as the rollup stored it in `stats_hourly`. */
export interface RolledRows {
  /** Stats values per stats row of the compared hours. */
  rows: Tally;
  /** CPC value per UTC day × campaign × affiliate × currency, every hour of the range, keyed as click earnings are. */
  cpcByDay: Tally;
}

export async function readRolledRows(ctx: AppContext, scope: ReconcileScope): Promise<RolledRows> {
  const rolled: RolledRows = { rows: new Map(), cpcByDay: new Map() };
  for await (const s of statsHourly(ctx.db).find({ hour: { $gte: new Date(scope.fromMs), $lt: new Date(scope.toMs) } })) {
    const h = s.hour.getTime();
    const values = Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, s[f] ?? 0]));
    if (scope.hours.has(h)) tallyAdd(rolled.rows, rowKey(h, s), values);
    if ((s.cpcPayoutCents ?? 0) > 0) {
      const earningId = clickEarningId(isoDay(h), s.campaignId, s.affiliateId, s.currency);
      tallyAdd(rolled.cpcByDay, earningId, { clicks: s.uniqueClicks ?? 0, payoutCents: s.cpcPayoutCents, revenueCents: s.cpcRevenueCents ?? 0 });
    }
  }
  return rolled;
}
