import type { AppContext } from '../context';
import { listClickPartitions, partitionStart } from '../db/raw-events';
import { rollupFrontier } from '../db/report-docs';
import { listDirtyHours } from '../db/rollup-dirty';
import { rolledHours } from '../db/rollup-state';
import { HOUR_MS, hourKey } from '../domain/time-buckets';

const STEP = 24;

/** Whether an hour was rolled after it ended (its roll record, read by `_id`). */
async function rolledComplete(ctx: AppContext, h: number): Promise<boolean> {
  const r = await rolledHours(ctx.db).findOne({ _id: hourKey(h) });
  return r !== null && r.readAt.getTime() >= h + HOUR_MS;
}

/** The first hour from `h` on (stepping by `dir` hours) that was not rolled after it ended, reading a day of roll records at a time. */
async function walk(ctx: AppContext, h: number, dir: 1 | -1): Promise<number> {
  for (;;) {
    const hours = Array.from({ length: STEP }, (_, i) => h + dir * i * HOUR_MS);
    const firstOpen = (await Promise.all(hours.map((x) => rolledComplete(ctx, x)))).indexOf(false);
    if (firstOpen !== -1) return h + dir * firstOpen * HOUR_MS;
    h += dir * STEP * HOUR_MS;
  }
}

/**
 * Widens the clean span [cleanFrom, cleanBefore) over the hours rolled after
 * they ended on either side of it, reading roll records by `_id`, so the cost
 * is the hours it moves over. It starts where the oldest raw partition starts.
 */
export async function advanceCleanFrontier(ctx: AppContext): Promise<void> {
  const doc = await rollupFrontier(ctx.db).findOne({ _id: 'clean' });
  let start = doc?.cleanFrom.getTime();
  let end = doc?.cleanBefore.getTime();
  if (start === undefined || end === undefined) {
    const [oldest] = await listClickPartitions(ctx.db);
    if (oldest === undefined) return;
    // No event is older than the oldest partition (a conversion counts in an hour after its click's).
    start = end = partitionStart(oldest);
  }
  const [before, after] = await Promise.all([walk(ctx, start - HOUR_MS, -1), walk(ctx, end, 1)]);
  const from = Math.min(start, before + HOUR_MS);
  const to = Math.max(end, after);
  if (doc && from === start && to === end) return;
  // $min/$max: two rollers finishing in any order leave the widest span.
  await rollupFrontier(ctx.db).updateOne({ _id: 'clean' }, { $min: { cleanFrom: new Date(from) }, $max: { cleanBefore: new Date(to) } }, { upsert: true });
}

/** Which hours reports may read from report documents: inside the frontier and not marked dirty. */
export interface CleanState {
  cleanFrom: number;
  cleanBefore: number;
  dirty: Set<number>;
}

export async function readCleanState(ctx: AppContext): Promise<CleanState> {
  const [doc, dirty] = await Promise.all([rollupFrontier(ctx.db).findOne({ _id: 'clean' }), listDirtyHours(ctx.db)]);
  return { cleanFrom: doc?.cleanFrom.getTime() ?? 0, cleanBefore: doc?.cleanBefore.getTime() ?? 0, dirty: new Set(dirty.map((d) => d._id.getTime())) };
}

export const isClean = (s: CleanState, h: number): boolean => h >= s.cleanFrom && h < s.cleanBefore && !s.dirty.has(h);
