import type { Db } from 'mongodb';
import { HOUR_MS, hourKey } from '../domain/time-buckets';
import { bulkWriteInChunks } from './bulk-write';
import { upsertRetrying } from './duplicate-key';
import { GroupCommit, perContext } from './group-commit';
import type { ConversionDoc } from './models/conversion';

/**
 * The ids of the conversions of each hour (by `hour`, the hour they count in),
 * so a rollup or a fresh report reads an hour's conversions by `_id` instead
 * of querying the whole collection. An id is added before its conversion is
 * inserted (a crash between the two leaves an id without a document, which
 * readers skip), and never removed: a conversion keeps its hour for life.
 */
export interface ConversionHourDoc {
  _id: string; // hourKey
  ids: string[];
}

export const conversionHours = (db: Db) => db.collection<ConversionHourDoc>('conversion_hours');

const READ_CONCURRENCY = 64;

/**
 * Conversions stored at the same time (a burst of postbacks) add their ids in
 * one `$addToSet $each` per hour: FerretDB rewrites the whole bucket on each update.
 */
const hourGroups = perContext((db: Db) => new GroupCommit<{ hour: number; id: string }, true>(async (items) => (await addToHours(db, items), items.map(() => true as const)), 200));

async function addToHours(db: Db, items: Array<{ hour: number; id: string }>): Promise<void> {
  const byHour = new Map<string, string[]>();
  for (const it of items) byHour.set(hourKey(it.hour), [...(byHour.get(hourKey(it.hour)) ?? []), it.id]);
  const write = () => bulkWriteInChunks(conversionHours(db), [...byHour].map(([_id, ids]) => ({ updateOne: { filter: { _id }, update: { $addToSet: { ids: { $each: ids } } }, upsert: true } })));
  await upsertRetrying(write);
}

export async function recordConversionHour(db: Db, hour: Date | number, id: string): Promise<void> {
  await hourGroups(db).add({ hour: typeof hour === 'number' ? hour : hour.getTime(), id });
}

/** Records many conversions' hours at once (the seed, test data): one update per hour. */
export async function recordConversionHours(db: Db, docs: Array<Pick<ConversionDoc, '_id' | 'hour'>>): Promise<void> {
  const byHour = new Map<string, string[]>();
  for (const d of docs) byHour.set(hourKey(d.hour.getTime()), [...(byHour.get(hourKey(d.hour.getTime())) ?? []), d._id]);
  for (const [h, ids] of byHour) await conversionHours(db).updateOne({ _id: h }, { $addToSet: { ids: { $each: ids } } }, { upsert: true });
}

const backfilled = new WeakMap<Db, Promise<void>>();

/**
 * Conversions stored before the buckets existed get theirs once per database
 * (one scan, recorded in `migrations`), so upgrading loses none of them.
 */
function backfillOnce(db: Db): Promise<void> {
  let p = backfilled.get(db);
  if (!p) {
    p = (async () => {
      const migrations = db.collection<{ _id: string; at: Date }>('migrations');
      if (await migrations.findOne({ _id: 'conversion_hours' })) return;
      const docs = await db.collection<ConversionDoc>('conversions').find({}, { projection: { _id: 1, hour: 1 } }).toArray();
      await recordConversionHours(db, docs);
      await migrations.updateOne({ _id: 'conversion_hours' }, { $set: { at: new Date() } }, { upsert: true });
    })();
    p.catch(() => backfilled.delete(db));
    backfilled.set(db, p);
  }
  return p;
}

/** The conversions of some hours, each bucket and each conversion read by `_id`. */
export async function conversionsOfHours(db: Db, hours: number[]): Promise<ConversionDoc[]> {
  await backfillOnce(db);
  const buckets = await Promise.all(hours.map((h) => conversionHours(db).findOne({ _id: hourKey(h) })));
  const ids = buckets.flatMap((b) => b?.ids ?? []);
  const wanted = new Set(hours.map((h) => h - (h % HOUR_MS)));
  const out: ConversionDoc[] = [];
  for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
    const docs = await Promise.all(ids.slice(i, i + READ_CONCURRENCY).map((id) => db.collection<ConversionDoc>('conversions').findOne({ _id: id })));
    for (const d of docs) if (d && wanted.has(d.hour.getTime())) out.push(d);
  }
  return out;
}
