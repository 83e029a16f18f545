import type { Db } from 'mongodb';
import { upsertRetrying } from '../db/duplicate-key';
import { backfillOnce } from '../db/list-buckets';
import { HOUR_MS, hourStart } from '../domain/time-buckets';

/**
 * Which password-reset codes expire in which UTC hour, so expired codes can be
 * deleted without a query over `password_resets` (which the embedded server
 * answers by reading every code):
 *
 * - one bucket per hour of expiry (`password_reset_hours`, `_id` the hour as
 *   `YYYY-MM-DDTHH`) holding the codes' `_id`s, added before the code is
 *   stored (a crash in between leaves an id without a code, which deleting
 *   skips);
 * - a span document (`_id: 'span'`) with `swept`, the last hour whose codes
 *   are all deleted, so a sweep reads only the hours that passed since the
 *   previous one. Bucketing a code also moves `swept` back before its hour
 *   (`$min`), so a code can never sit in an hour a sweep has passed already
 *   (clocks of two processes disagreeing, a sweep run for a later time).
 */
interface HourBucketDoc {
  _id: string;
  codes?: string[];
  /** Span document only: epoch hours. */
  swept?: number;
}

const SPAN_ID = 'span';
const codes = (db: Db) => db.collection<{ _id: string }>('password_resets');
const hours = (db: Db) => db.collection<HourBucketDoc>('password_reset_hours');
const hourIndex = (ms: number) => Math.floor(hourStart(ms) / HOUR_MS);
const bucketIdOf = (hour: number) => new Date(hour * HOUR_MS).toISOString().slice(0, 13);

/** Lists a code under the hour it expires in; called before the code is stored. */
export async function bucketResetCode(db: Db, codeId: string, expiresAt: Date): Promise<void> {
  const hour = hourIndex(expiresAt.getTime());
  // The span first: a crash in between leaves a sweep with an hour to look at and no bucket there, never the reverse.
  await upsertRetrying(() => hours(db).updateOne({ _id: SPAN_ID }, { $min: { swept: hour - 1 } }, { upsert: true }));
  await upsertRetrying(() => hours(db).updateOne({ _id: bucketIdOf(hour) }, { $addToSet: { codes: codeId } }, { upsert: true }));
}

/** Codes stored before the buckets existed are bucketed once per database (one scan, recorded in `migrations`). */
const backfillResetHours = (db: Db) =>
  backfillOnce(db, 'password_reset_hours', async () => {
    const codes = await db.collection<{ _id: string; expiresAt: Date }>('password_resets').find({}, { projection: { _id: 1, expiresAt: 1 } }).toArray();
    for (const c of codes) await bucketResetCode(db, c._id, c.expiresAt);
  });

export interface ResetSweep {
  /** Hour buckets read and removed. */
  hours: number;
  /** Codes deleted (ids whose code was gone already are not counted). */
  deleted: number;
}

/**
 * Deletes every code whose expiry hour ended before `nowMs`: each such hour's
 * bucket is read by `_id`, its codes deleted by `_id`, then the bucket, and
 * the span's `swept` moves past it. Reads one document per hour since the
 * previous sweep (plus one per code deleted); a sweep interrupted anywhere is
 * finished by the next one, and running it again changes nothing.
 */
export async function sweepExpiredResetCodes(db: Db, nowMs: number): Promise<ResetSweep> {
  await backfillResetHours(db);
  const span = await hours(db).findOne({ _id: SPAN_ID });
  const out: ResetSweep = { hours: 0, deleted: 0 };
  if (span?.swept === undefined) return out;
  // An hour is over once its last millisecond passed: every code in it expired.
  const lastOver = hourIndex(nowMs) - 1;
  if (span.swept >= lastOver) return out;
  for (let h = span.swept + 1; h <= lastOver; h++) {
    const bucket = await hours(db).findOne({ _id: bucketIdOf(h) });
    if (!bucket) continue;
    const results = await Promise.all((bucket.codes ?? []).map((id) => codes(db).deleteOne({ _id: id })));
    out.deleted += results.reduce((n, r) => n + r.deletedCount, 0);
    await hours(db).deleteOne({ _id: bucket._id });
    out.hours++;
  }
  // Only if no code was bucketed behind the sweep meanwhile (its `$min` moved `swept` back: the next sweep goes there).
  await hours(db).updateOne({ _id: SPAN_ID, swept: span.swept }, { $set: { swept: lastOver } });
  return out;
}
