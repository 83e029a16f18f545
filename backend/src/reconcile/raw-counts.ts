import type { AppContext } from '../context';
import { groupSum } from '../db/group-sum';
import { clicksCollectionName, listClickPartitions, partitionsOfDay } from '../db/raw-events';
import { tallyAdd, type Tally } from '../domain/reconcile-diff';
import type { ReconcileScope } from './scope';
import { RAW_GROUP_KEYS, rawRowKey } from './stat-keys';

/** The range recounted from the raw events, with aggregations of its own (not the rollup's code). */
export interface RawCounts {
  /** Stats values per stats row of the compared hours. */
  rows: Tally;
  /** CPC spend of the stored clicks per `campaignId|day`, every hour of the range: what the budget counters hold. */
  clickSpend: Map<string, number>;
}

type RowKeyOf = (k: Record<string, unknown>) => string;

export async function recountRawEvents(ctx: AppContext, scope: ReconcileScope): Promise<RawCounts> {
  const keyOf = await rawRowKey(ctx);
  const counts: RawCounts = { rows: new Map(), clickSpend: new Map() };
  await countClicks(ctx, scope, keyOf, counts);
  await countConversions(ctx, scope, keyOf, counts.rows);
  return counts;
}

/** Every click partition of each day of the range, but for days whose raw clicks are gone. */
async function countClicks(ctx: AppContext, scope: ReconcileScope, keyOf: RowKeyOf, counts: RawCounts): Promise<void> {
  const partitions = await listClickPartitions(ctx.db);
  for (const day of scope.days) {
    if (scope.dropped.has(day)) continue;
    const groups = [];
    for (const key of partitionsOfDay(partitions, day)) {
      groups.push(...(await groupSum(ctx.db, clicksCollectionName(key), {}, RAW_GROUP_KEYS, { n: 1, u: 'unique', i: 'invalid', r: 'revenueCents', p: 'payoutCents' })));
    }
    for (const g of groups) {
      const h = new Date(g.key.h as Date).getTime();
      const spendKey = `${g.key.c as string}|${day}`;
      if (g.sums.r) counts.clickSpend.set(spendKey, (counts.clickSpend.get(spendKey) ?? 0) + g.sums.r);
      if (!scope.hours.has(h)) continue;
      const { n, u, i, r, p } = g.sums;
      tallyAdd(counts.rows, keyOf(g.key), { clicks: n, uniqueClicks: u, invalidClicks: i, cpcRevenueCents: r, cpcPayoutCents: p, revenueCents: r, payoutCents: p });
    }
  }
}

async function countConversions(ctx: AppContext, scope: ReconcileScope, keyOf: RowKeyOf, rows: Tally): Promise<void> {
  const groups = await groupSum(
    ctx.db,
    'conversions',
    { hour: { $gte: new Date(scope.fromMs), $lt: new Date(scope.toMs) } },
    RAW_GROUP_KEYS,
    { ap: 'approved', pe: 'pending', rj: 'rejected', ra: 'revApprovedCents', rp: 'revPendingCents', pa: 'payApprovedCents', pp: 'payPendingCents' },
  );
  for (const g of groups) {
    if (!scope.hours.has(new Date(g.key.h as Date).getTime())) continue;
    const { ap, pe, rj, ra, rp, pa, pp } = g.sums;
    tallyAdd(rows, keyOf(g.key), {
      approvedConversions: ap,
      pendingConversions: pe,
      rejectedConversions: rj,
      approvedRevenueCents: ra,
      approvedPayoutCents: pa,
      revenueCents: ra + rp,
      payoutCents: pa + pp,
    });
  }
}
