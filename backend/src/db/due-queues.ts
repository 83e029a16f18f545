import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { bulkWriteInChunks } from './bulk-write';
import { GroupCommit } from './group-commit';
import { upsertRetrying } from './duplicate-key';

/**
 * Work queues of the scheduled jobs, read by `_id` so a job step touches the
 * items it may act on, never a query over conversions (a whole-collection
 * read on the embedded server):
 * - `payable`: approved conversions and click earnings that no payout holds
 *   (claim ids, see domain/payout-plan), by the UTC day they count for;
 * - `pending`: pending conversions that auto-approval may approve.
 *
 * Buckets (`due_items`, `_id` `<queue>|<YYYYMMDD>`) hold the ids; the queue's
 * document (`due_queues`, `_id` `<queue>`) lists the days with a bucket.
 * Adding writes the bucket before the day, so a listed day is never missed.
 * An entry is a hint: the job reads the item itself and decides. Removing one
 * that is not due is followed by a fresh read of the item (`stillDue`) and
 * puts it back if it became due meanwhile, so a change racing the removal
 * (a payout rejected, a conversion approved again) is never lost.
 */
export type DueQueue = 'payable' | 'pending';

export interface DueEntry {
  day: string; // YYYYMMDD
  id: string;
}

interface BucketDoc {
  _id: string;
  ids: string[];
}
interface QueueDoc {
  _id: string;
  days: string[];
}

const buckets = (db: Db) => db.collection<BucketDoc>('due_items');
const queues = (db: Db) => db.collection<QueueDoc>('due_queues');
const bucketId = (queue: DueQueue, day: string) => `${queue}|${day}`;

function byDay(entries: DueEntry[]): Map<string, string[]> {
  const days = new Map<string, string[]>();
  for (const e of entries) days.set(e.day, [...(days.get(e.day) ?? []), e.id]);
  return days;
}

/** Adds entries (idempotent). */
export async function enqueueDue(db: Db, queue: DueQueue, entries: DueEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const days = byDay(entries);
  const ops: AnyBulkWriteOperation<BucketDoc>[] = [...days].map(([day, ids]) => ({
    updateOne: { filter: { _id: bucketId(queue, day) }, update: { $addToSet: { ids: { $each: ids } } }, upsert: true },
  }));
  await upsertRetrying(() => bulkWriteInChunks(buckets(db), ops));
  await upsertRetrying(() => queues(db).updateOne({ _id: queue }, { $addToSet: { days: { $each: [...days.keys()] } } }, { upsert: true }));
}

/** Concurrent additions (postbacks approving conversions) go in one write per flush. */
const groups = new WeakMap<Db, Map<DueQueue, GroupCommit<DueEntry, true>>>();

export function enqueueDueGrouped(db: Db, queue: DueQueue, entry: DueEntry): Promise<true> {
  let perDb = groups.get(db);
  if (!perDb) groups.set(db, (perDb = new Map()));
  let g = perDb.get(queue);
  if (!g) {
    g = new GroupCommit<DueEntry, true>(async (entries) => {
      await enqueueDue(db, queue, entries);
      return entries.map(() => true as const);
    }, 500);
    perDb.set(queue, g);
  }
  return g.add(entry);
}

/** Every entry of the days up to `throughDay` (inclusive), one findOne per day. */
export async function dueEntries(db: Db, queue: DueQueue, throughDay: string): Promise<DueEntry[]> {
  const q = await queues(db).findOne({ _id: queue });
  const days = (q?.days ?? []).filter((d) => d <= throughDay).sort();
  const docs = await Promise.all(days.map((day) => buckets(db).findOne({ _id: bucketId(queue, day) })));
  return docs.flatMap((doc, i) => (doc?.ids ?? []).map((id) => ({ day: days[i]!, id })));
}

/**
 * Takes out entries the caller has just acted on (nothing can make them due
 * again before it returns). A bucket left empty takes its day off the queue,
 * unless an entry arrived meanwhile.
 */
export async function dequeueDone(db: Db, queue: DueQueue, entries: DueEntry[]): Promise<void> {
  const days = byDay(entries);
  if (days.size === 0) return;
  await bulkWriteInChunks(
    buckets(db),
    [...days].map(([day, ids]) => ({ updateOne: { filter: { _id: bucketId(queue, day) }, update: { $pullAll: { ids } } } })),
  );
  for (const day of days.keys()) {
    const left = await buckets(db).findOne({ _id: bucketId(queue, day) });
    if (left && left.ids.length > 0) continue;
    await queues(db).updateOne({ _id: queue }, { $pullAll: { days: [day] } });
    // An addition between the read above and the pull wrote its bucket first: seen here, and listed again.
    const again = await buckets(db).findOne({ _id: bucketId(queue, day) });
    if (again && again.ids.length > 0) await queues(db).updateOne({ _id: queue }, { $addToSet: { days: day } });
  }
}

/**
 * Takes out entries found not due, then reads each again with `stillDue`
 * (its current entry, or null) and puts back those that became due meanwhile.
 */
export async function dequeueStale(db: Db, queue: DueQueue, entries: DueEntry[], stillDue: (e: DueEntry) => Promise<DueEntry | null>): Promise<void> {
  await dequeueDone(db, queue, entries);
  const back: DueEntry[] = [];
  for (const e of entries) {
    const now = await stillDue(e);
    if (now) back.push(now);
  }
  await enqueueDue(db, queue, back);
}

/** The ids listed for one day (reconciliation). */
export async function dueIdsOfDay(db: Db, queue: DueQueue, day: string): Promise<string[]> {
  return (await buckets(db).findOne({ _id: bucketId(queue, day) }))?.ids ?? [];
}
