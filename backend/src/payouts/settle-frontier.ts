import type { Db } from 'mongodb';
import { backfillOnce } from '../db/list-buckets';
import { clickSettledDays } from '../db/models/click-earning';
import { rolledHours } from '../db/rollup-state';
import { isoDay } from '../domain/payout-plan';
import { DAY_MS, dayStart } from '../domain/time-buckets';

/**
 * Where click settlement starts looking (`click_settle_state`, `_id`
 * `frontier`): every UTC day before `from` is settled or was never rolled up.
 * A roll moves it back to the day it rolled (`$min`), settlement moves it
 * forward past the days it finds settled, so a run reads the days still open
 * by `_id` instead of ranges over the roll and settled-day records (whole
 * collection reads on the embedded server, growing with the history).
 */
interface FrontierDoc {
  _id: 'frontier';
  from: number;
}

const state = (db: Db) => db.collection<FrontierDoc>('click_settle_state');

/** Called by every roll with the earliest hour it rolled. */
export async function rolledFrom(db: Db, hourMs: number): Promise<void> {
  await state(db).updateOne({ _id: 'frontier' }, { $min: { from: dayStart(hourMs) } }, { upsert: true });
}

/** Databases rolled before the frontier existed: the oldest roll record, read once. */
function backfillFrontier(db: Db): Promise<void> {
  return backfillOnce(db, 'click_settle_frontier', async () => {
    const [oldest] = await rolledHours(db).find({}, { projection: { hour: 1 } }).sort({ _id: 1 }).limit(1).toArray();
    if (oldest) await rolledFrom(db, oldest.hour.getTime());
  });
}

/** The first day settlement must look at; null when nothing was ever rolled. */
export async function settleFrom(db: Db): Promise<number | null> {
  await backfillFrontier(db);
  return (await state(db).findOne({ _id: 'frontier' }))?.from ?? null;
}

/** Which of these days are settled, one findOne each. */
export async function settledAmong(db: Db, days: number[]): Promise<Set<number>> {
  const found = await Promise.all(days.map((d) => clickSettledDays(db).findOne({ _id: isoDay(d) }, { projection: { _id: 1 } })));
  return new Set(days.filter((_, i) => found[i] !== null));
}

/**
 * Moves the frontier past the settled days at its start. Conditional on the
 * value it read, so a roll that moved it back meanwhile wins.
 */
export async function advanceFrontier(db: Db, from: number, settled: Set<number>): Promise<void> {
  let next = from;
  while (settled.has(next)) next += DAY_MS;
  if (next > from) await state(db).updateOne({ _id: 'frontier', from }, { $set: { from: next } });
}
