import type { AnyBulkWriteOperation } from 'mongodb';
import type { AppContext } from '../context';
import { emptyStatValues, STAT_VALUE_FIELDS, statsDaily, statsHourly, type DailyStatDoc } from '../db/models/stats';
import { rolledDays } from '../db/rollup-state';

export const dailyStatId = (day: string, campaignId: string, affiliateId: string, sub1: string) => `${day}|${campaignId}|${affiliateId}|${sub1}`;

/** Rebuilds `stats_daily` for the given UTC days from `stats_hourly`, replacing each day's rows. */
export async function rollDays(ctx: AppContext, days: string[], opts: { signal?: AbortSignal } = {}): Promise<{ days: number; rows: number; deleted: number }> {
  const counts = { days: 0, rows: 0, deleted: 0 };
  const hourly = statsHourly(ctx.db);
  const daily = statsDaily(ctx.db);
  for (const day of [...new Set(days)].sort()) {
    opts.signal?.throwIfAborted();
    const readAt = new Date();
    // Summed here rather than with $group: FerretDB 1.24 computes only the first accumulator of a $group.
    const byKey = new Map<string, DailyStatDoc>();
    for await (const h of hourly.find({ day })) {
      const id = dailyStatId(day, h.campaignId, h.affiliateId, h.sub1 ?? '');
      let doc = byKey.get(id);
      if (!doc) {
        doc = { _id: id, day, campaignId: h.campaignId, affiliateId: h.affiliateId, advertiserId: h.advertiserId, currency: h.currency, sub1: h.sub1 ?? '', ...emptyStatValues() };
        byKey.set(id, doc);
      }
      for (const f of STAT_VALUE_FIELDS) doc[f] += h[f] ?? 0;
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
