import type { Db } from 'mongodb';
import { hourStart } from '../domain/time-buckets';

/**
 * Hours whose raw events changed after they may have been rolled up: late
 * clicks (spool replays), conversions, conversion status changes. The hourly
 * rollup re-rolls them and clears each mark only if it did not move meanwhile
 * (`v` is bumped on every mark), so a change during a roll is never lost.
 */
export interface DirtyHourDoc {
  _id: Date; // hour start
  v: number;
  markedAt: Date;
}

export const ROLLUP_DIRTY = 'rollup_dirty';

export async function markHoursDirty(db: Db, times: Iterable<number | Date>): Promise<void> {
  const hours = new Set<number>();
  for (const t of times) hours.add(hourStart(typeof t === 'number' ? t : t.getTime()));
  if (hours.size === 0) return;
  const now = new Date();
  const r = await db.collection<DirtyHourDoc>(ROLLUP_DIRTY).bulkWrite(
    [...hours].map((h) => ({
      updateOne: { filter: { _id: new Date(h) }, update: { $inc: { v: 1 }, $set: { markedAt: now } }, upsert: true },
    })),
    { ordered: false },
  );
  // A server shutting down may acknowledge writes it did not apply (seen with FerretDB): a lost mark is a late hour never re-rolled.
  if (r.matchedCount + r.upsertedCount !== hours.size) throw new Error(`only ${r.matchedCount + r.upsertedCount} of ${hours.size} dirty-hour marks were acknowledged`);
}

export async function listDirtyHours(db: Db): Promise<DirtyHourDoc[]> {
  return db.collection<DirtyHourDoc>(ROLLUP_DIRTY).find({}).sort({ _id: 1 }).toArray();
}

/** Clears a mark if nobody marked the hour again since `v` was read. */
export async function clearDirtyHour(db: Db, hour: Date, v: number): Promise<boolean> {
  const res = await db.collection<DirtyHourDoc>(ROLLUP_DIRTY).deleteOne({ _id: hour, v });
  return res.deletedCount === 1;
}
