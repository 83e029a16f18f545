import type { AppContext } from '../context';
import { clicksCollectionName, forgetPartition, listClickPartitions } from '../db/raw-events';
import { listDirtyHours } from '../db/rollup-dirty';
import { droppedPartitions, rolledHoursBetween } from '../db/rollup-state';
import { DAY_MS, dayKey, dayKeyToMs, HOUR_MS } from '../domain/time-buckets';

export interface RetentionResult {
  counts: { dropped: number; skipped: number; clicksDropped: number; jobRunsDeleted: number };
  details: { dropped: Array<{ day: string; clicks: number }>; skipped: Array<{ day: string; reason: string }> };
}

/**
 * Drops raw click partitions older than RAW_RETENTION_DAYS, but only days
 * whose 24 hours were all rolled up after they ended and none is dirty: the
 * rollup is then the only copy needed. Dropped days are recorded so later
 * re-rolls (a conversion changing status) keep the days' click counts.
 * Also prunes old job-run records.
 */
export async function applyRetention(ctx: AppContext, nowMs = Date.now()): Promise<RetentionResult> {
  const oldestKept = dayKey(nowMs - ctx.config.RAW_RETENTION_DAYS * DAY_MS);
  const old = (await listClickPartitions(ctx.db)).filter((d) => d < oldestKept);
  const result: RetentionResult = { counts: { dropped: 0, skipped: 0, clicksDropped: 0, jobRunsDeleted: 0 }, details: { dropped: [], skipped: [] } };
  if (old.length) {
    const [rolled, dirty] = await Promise.all([rolledHoursBetween(ctx.db, null, dayKeyToMs(oldestKept)), listDirtyHours(ctx.db)]);
    const complete = new Set(rolled.filter((r) => r.readAt.getTime() >= r.hour.getTime() + HOUR_MS).map((r) => r.hour.getTime()));
    const dirtySet = new Set(dirty.map((d) => d._id.getTime()));
    for (const day of old) {
      const start = dayKeyToMs(day);
      const hours = Array.from({ length: 24 }, (_, i) => start + i * HOUR_MS);
      const missing = hours.filter((h) => !complete.has(h)).length;
      const dirtyCount = hours.filter((h) => dirtySet.has(h)).length;
      if (missing || dirtyCount) {
        result.counts.skipped += 1;
        result.details.skipped.push({ day, reason: missing ? `${missing} hour(s) not rolled up` : `${dirtyCount} hour(s) waiting to be re-rolled` });
        continue;
      }
      const col = ctx.db.collection(clicksCollectionName(day));
      const clicks = await col.estimatedDocumentCount();
      // Recorded first: if the drop is interrupted the day is still fully in the rollup.
      await droppedPartitions(ctx.db).replaceOne({ _id: day }, { droppedAt: new Date(nowMs), clicks }, { upsert: true });
      await col.drop().catch((err: { codeName?: string }) => {
        if (err.codeName !== 'NamespaceNotFound') throw err;
      });
      forgetPartition(ctx.db, day);
      result.counts.dropped += 1;
      result.counts.clicksDropped += clicks;
      result.details.dropped.push({ day, clicks });
    }
  }
  const runs = await ctx.models.JobRun.deleteMany({ startedAt: { $lt: new Date(nowMs - ctx.config.JOB_RUN_RETENTION_DAYS * DAY_MS) }, status: { $ne: 'running' } });
  result.counts.jobRunsDeleted = runs.deletedCount;
  return result;
}
