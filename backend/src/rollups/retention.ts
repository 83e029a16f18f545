import type { AppContext } from '../context';
import { dropClickLogDay } from '../db/click-log';
import { pruneJobRuns } from '../job-runs/run-list';
import { clicksCollectionName, forgetPartition, listClickPartitions, partitionDay, partitionsOfDay, testClicks } from '../db/raw-events';
import { listDirtyHours } from '../db/rollup-dirty';
import { droppedPartitions, rolledHoursBetween } from '../db/rollup-state';
import { DAY_MS, dayKey, dayKeyToMs, HOUR_MS } from '../domain/time-buckets';

export interface RetentionResult {
  counts: { dropped: number; skipped: number; keptForAttribution: number; clicksDropped: number; testClicksDeleted: number; jobRunsDeleted: number };
  details: {
    dropped: Array<{ day: string; clicks: number }>;
    skipped: Array<{ day: string; reason: string }>;
    /** Partitions past RAW_RETENTION_DAYS kept because a campaign may still convert their clicks. */
    keptForAttribution: { windowDays: number; days: string[] };
  };
}

/**
 * The longest attribution window of the campaigns that can still convert
 * (every one but archived ones, which is final; paused campaigns convert
 * clicks they already sent), in days; 0 without campaigns.
 */
export async function longestAttributionWindowDays(ctx: AppContext): Promise<number> {
  const open = await ctx.models.Campaign.find({ status: { $ne: 'archived' } }, { attributionWindowDays: 1 }).lean();
  return open.reduce((m, c) => Math.max(m, c.attributionWindowDays ?? 0), 0);
}

/**
 * A postback is attributed only while its click can be read from its day
 * partition, so a partition is kept while any open campaign's window still
 * covers a click of that day, plus a day for postbacks received but still
 * queued (they are judged by when they were received).
 */
const ATTRIBUTION_MARGIN_DAYS = 1;

/**
 * Drops raw click partitions older than RAW_RETENTION_DAYS, but only days
 * whose 24 hours were all rolled up after they ended and none is dirty (the
 * rollup is then the only copy needed), and never a day that an open
 * campaign's attribution window still covers. Dropped days are recorded so
 * later re-rolls (a conversion changing status) keep the days' click counts.
 * Also prunes old job-run records.
 */
export async function applyRetention(ctx: AppContext, nowMs = Date.now()): Promise<RetentionResult> {
  const retainedFrom = dayKey(nowMs - ctx.config.RAW_RETENTION_DAYS * DAY_MS);
  const windowDays = await longestAttributionWindowDays(ctx);
  const attributableFrom = dayKey(nowMs - (windowDays + ATTRIBUTION_MARGIN_DAYS) * DAY_MS);
  const oldestKept = attributableFrom < retainedFrom ? attributableFrom : retainedFrom;
  const partitions = await listClickPartitions(ctx.db);
  const partitionDays = [...new Set(partitions.map(partitionDay))];
  const old = partitionDays.filter((d) => d < oldestKept);
  const result: RetentionResult = {
    counts: { dropped: 0, skipped: 0, keptForAttribution: 0, clicksDropped: 0, testClicksDeleted: 0, jobRunsDeleted: 0 },
    details: { dropped: [], skipped: [], keptForAttribution: { windowDays, days: partitionDays.filter((d) => d >= oldestKept && d < retainedFrom) } },
  };
  result.counts.keptForAttribution = result.details.keptForAttribution.days.length;
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
      const cols = partitionsOfDay(partitions, day).map((key) => ({ key, col: ctx.db.collection(clicksCollectionName(key)) }));
      let clicks = 0;
      for (const { col } of cols) clicks += await col.estimatedDocumentCount();
      // Recorded first: if the drop is interrupted the day is still fully in the rollup.
      await droppedPartitions(ctx.db).replaceOne({ _id: day }, { droppedAt: new Date(nowMs), clicks }, { upsert: true });
      for (const { key, col } of cols) {
        await col.drop().catch((err: { codeName?: string }) => {
          if (err.codeName !== 'NamespaceNotFound') throw err;
        });
        forgetPartition(ctx.db, key);
      }
      // The click log's ids of that day point at clicks that are gone now.
      await dropClickLogDay(ctx.db, day);
      result.counts.dropped += 1;
      result.counts.clicksDropped += clicks;
      result.details.dropped.push({ day, clicks });
    }
  }
  const tests = await testClicks(ctx.db).deleteMany({ ts: { $lt: new Date(dayKeyToMs(oldestKept)) } });
  result.counts.testClicksDeleted = tests.deletedCount;
  // Through the job-runs list's oldest day buckets, by `_id`, keeping its counters (job-runs/run-list.ts).
  result.counts.jobRunsDeleted = await pruneJobRuns(ctx, nowMs - ctx.config.JOB_RUN_RETENTION_DAYS * DAY_MS);
  return result;
}
