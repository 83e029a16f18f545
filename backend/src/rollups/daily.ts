import type { AnyBulkWriteOperation } from 'mongodb';
import type { AppContext } from '../context';
import { groupSum } from '../db/group-sum';
import { STAT_VALUE_FIELDS, statsDaily, type DailyStatDoc, type StatValues } from '../db/models/stats';
import { rolledDays } from '../db/rollup-state';
import { waitForLock } from '../job-runs/lock';
import { bulkWriteInChunks } from '../db/bulk-write';

type StatField = (typeof STAT_VALUE_FIELDS)[number];

export const dailyStatId = (day: string, campaignId: string, affiliateId: string, sub1: string) => `${day}|${campaignId}|${affiliateId}|${sub1}`;

/**
 * The lock every daily roll takes, whoever runs it (the daily job, the
 * backfill, the seed): two rolls of the same day interleaving could leave one's
 * older rows under the other's newer `rollup_days.readAt`, and that day would
 * then never be rolled again. Hourly rolls need not wait for it: a day whose
 * hours are written after its readAt is rolled again anyway.
 */
export const DAILY_ROLL_LOCK = 'rollup-days';
const LOCK_TTL_MS = 60_000;
/** How long a daily roll waits for another one to finish by default. */
export const DAILY_ROLL_LOCK_WAIT_MS = 10 * 60_000;

/**
 * Rebuilds `stats_daily` for the given UTC days from `stats_hourly`,
 * replacing each day's rows and deleting rows that no longer exist. All days
 * are grouped in one pass (one scan on FerretDB). Runs one at a time across
 * every process (DAILY_ROLL_LOCK), waiting up to `lockWaitMs` for its turn.
 */
export async function rollDays(
  ctx: AppContext,
  days: string[],
  opts: { signal?: AbortSignal; lockWaitMs?: number } = {},
): Promise<{ days: number; rows: number; deleted: number }> {
  const counts = { days: 0, rows: 0, deleted: 0 };
  const wanted = [...new Set(days)].sort();
  if (wanted.length === 0) return counts;
  const lock = await waitForLock(ctx.redis, ctx.keys.jobLock(DAILY_ROLL_LOCK), { ttlMs: LOCK_TTL_MS, waitMs: opts.lockWaitMs ?? DAILY_ROLL_LOCK_WAIT_MS, signal: opts.signal });
  try {
    const signal = opts.signal ? AbortSignal.any([opts.signal, lock.signal]) : lock.signal;
    return await rollDaysLocked(ctx, wanted, signal, counts);
  } finally {
    await lock.release();
  }
}

async function rollDaysLocked(ctx: AppContext, wanted: string[], signal: AbortSignal, counts: { days: number; rows: number; deleted: number }) {
  const daily = statsDaily(ctx.db);
  const readAt = new Date();
  const sums = Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, f])) as Record<StatField, StatField>;
  const groups = await groupSum(ctx.db, 'stats_hourly', { day: { $in: wanted } }, { d: 'day', c: 'campaignId', a: 'affiliateId', adv: 'advertiserId', cur: 'currency', s: 'sub1' }, sums);
  const byDay = new Map<string, DailyStatDoc[]>(wanted.map((d) => [d, []]));
  for (const g of groups) {
    const k = g.key as Record<'d' | 'c' | 'a' | 'adv' | 'cur' | 's', string | null>;
    const day = k.d as string;
    const id = dailyStatId(day, k.c as string, k.a as string, k.s ?? '');
    byDay.get(day)?.push({ _id: id, day, campaignId: k.c as string, affiliateId: k.a as string, advertiserId: k.adv as string, currency: k.cur as string, sub1: k.s ?? '', ...(g.sums as StatValues) });
  }
  const existing = await daily.find({ day: { $in: wanted } }, { projection: { _id: 1, day: 1 } }).toArray();
  for (const day of wanted) {
    signal.throwIfAborted();
    const docs = byDay.get(day) ?? [];
    const ids = new Set(docs.map((d) => d._id));
    const ops: AnyBulkWriteOperation<DailyStatDoc>[] = docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }));
    await bulkWriteInChunks(daily, ops);
    const stale = existing.filter((d) => d.day === day && !ids.has(d._id)).map((d) => d._id);
    if (stale.length) counts.deleted += (await daily.deleteMany({ _id: { $in: stale } })).deletedCount;
    await rolledDays(ctx.db).replaceOne({ _id: day }, { readAt, writtenAt: new Date(), rows: ops.length }, { upsert: true });
    counts.days += 1;
    counts.rows += ops.length;
  }
  return counts;
}
