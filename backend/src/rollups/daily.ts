import type { AnyBulkWriteOperation } from 'mongodb';
import type { AppContext } from '../context';
import { groupSum } from '../db/group-sum';
import { STAT_VALUE_FIELDS, statsDaily, type DailyStatDoc, type StatValues } from '../db/models/stats';

type StatField = (typeof STAT_VALUE_FIELDS)[number];
import { rolledDays } from '../db/rollup-state';

export const dailyStatId = (day: string, campaignId: string, affiliateId: string, sub1: string) => `${day}|${campaignId}|${affiliateId}|${sub1}`;

/** Rebuilds `stats_daily` for the given UTC days from `stats_hourly`, replacing each day's rows. */
export async function rollDays(ctx: AppContext, days: string[], opts: { signal?: AbortSignal } = {}): Promise<{ days: number; rows: number; deleted: number }> {
  const counts = { days: 0, rows: 0, deleted: 0 };
  const daily = statsDaily(ctx.db);
  for (const day of [...new Set(days)].sort()) {
    opts.signal?.throwIfAborted();
    const readAt = new Date();
    const sums = Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, f])) as Record<StatField, StatField>;
    const groups = await groupSum(ctx.db, 'stats_hourly', { day }, { c: 'campaignId', a: 'affiliateId', adv: 'advertiserId', cur: 'currency', s: 'sub1' }, sums);
    const byKey = new Map<string, DailyStatDoc>();
    for (const g of groups) {
      const k = g.key as Record<'c' | 'a' | 'adv' | 'cur' | 's', string | null>;
      const id = dailyStatId(day, k.c as string, k.a as string, k.s ?? '');
      byKey.set(id, { _id: id, day, campaignId: k.c as string, affiliateId: k.a as string, advertiserId: k.adv as string, currency: k.cur as string, sub1: k.s ?? '', ...(g.sums as StatValues) });
    }
    const existing = await daily.find({ day }, { projection: { _id: 1 } }).toArray();
    const ids = new Set(byKey.keys());
    const ops: AnyBulkWriteOperation<DailyStatDoc>[] = [...byKey.values()].map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }));
    for (let i = 0; i < ops.length; i += 1000) await daily.bulkWrite(ops.slice(i, i + 1000), { ordered: false });
    const stale = existing.map((d) => d._id).filter((id) => !ids.has(id));
    if (stale.length) counts.deleted += (await daily.deleteMany({ _id: { $in: stale } })).deletedCount;
    await rolledDays(ctx.db).replaceOne({ _id: day }, { readAt, writtenAt: new Date(), rows: ops.length }, { upsert: true });
    counts.days += 1;
    counts.rows += ops.length;
  }
  return counts;
}
