import type { AppContext } from '../../context';
import { conversionHours } from '../../db/conversion-hours';
import type { ConversionDoc } from '../../db/models/conversion';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { HOUR_MS, hourKey } from '../../domain/time-buckets';

/** Every conversion of the compared hours is in its hour's bucket of ids (what rollups read it through). */
export async function conversionBucketDifferences(ctx: AppContext, hours: number[]): Promise<Difference[]> {
  if (hours.length === 0) return [];
  const wanted = new Set(hours);
  const stored: Tally = new Map();
  const bucketed: Tally = new Map();
  const from = new Date(Math.min(...hours));
  const to = new Date(Math.max(...hours) + HOUR_MS);
  for await (const c of ctx.db.collection<ConversionDoc>('conversions').find({ hour: { $gte: from, $lt: to } }, { projection: { _id: 1, hour: 1 } })) {
    if (wanted.has(c.hour.getTime())) tallyAdd(stored, hourKey(c.hour.getTime()), { [c._id]: 1 });
  }
  const buckets = await Promise.all(hours.map((h) => conversionHours(ctx.db).findOne({ _id: hourKey(h) })));
  for (const b of buckets) if (b) for (const id of b.ids) if (stored.get(b._id)?.[id]) tallyAdd(bucketed, b._id, { [id]: 1 });
  const out: Difference[] = [];
  for (const [h, ids] of stored) out.push(...diffTallies('conversion_buckets', new Map([[h, ids]]), new Map([[h, bucketed.get(h) ?? {}]]), Object.keys(ids)));
  return out;
}
