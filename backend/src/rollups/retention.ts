import type { AppContext } from '../context';
import { dropClickLogDay } from '../db/click-log';
import { pruneJobRuns } from '../job-runs/run-list';
import { clicksCollectionName, forgetPartition, listClickPartitions, partitionDay, partitionsOfDay, testClicks } from '../db/raw-events';
import { ALL_CAMPAIGNS, readCampaignDirectory } from '../campaigns/campaign-directory';
import { ROLLUP_DIRTY, type DirtyHourDoc } from '../db/rollup-dirty';
import { droppedPartitions, rolledHours } from '../db/rollup-state';
import { DAY_MS, dayKey, dayKeyToMs, HOUR_MS, hourKey } from '../domain/time-buckets';

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
  // The campaigns directory (one document by `_id`) instead of a query over the campaigns. An entry written
  // before a change (`v` 0) may hold a value the change never stored: that campaign is read too, and the
  // longer window of the two kept (keeping a partition too long is safe, dropping it too early is not).
  const entries = await readCampaignDirectory(ctx.db, ALL_CAMPAIGNS);
  let longest = 0;
  const pending: string[] = [];
  for (const [id, e] of entries) {
    if (e.s !== 'archived') longest = Math.max(longest, e.w ?? 0);
    if (e.v === 0) pending.push(id);
  }
  const stored = await Promise.all(pending.map((id) => ctx.models.Campaign.findById(id, { status: 1, attributionWindowDays: 1 }).lean()));
  for (const c of stored) if (c && c.status !== 'archived') longest = Math.max(longest, c.attributionWindowDays ?? 0);
  return longest;
}

/**
 * Which of a day's hours were rolled up after they ended, and which wait to
 * be re-rolled: 24 roll records and 24 dirty marks, each read by `_id`, so a
 * retention run reads what it may drop, not every roll record kept.
 */
async function dayRollState(ctx: AppContext, day: string): Promise<{ missing: number; dirty: number }> {
  const hours = Array.from({ length: 24 }, (_, i) => dayKeyToMs(day) + i * HOUR_MS);
  const [rolled, dirty] = await Promise.all([
    Promise.all(hours.map((h) => rolledHours(ctx.db).findOne({ _id: hourKey(h) }, { projection: { readAt: 1 } }))),
    Promise.all(hours.map((h) => ctx.db.collection<DirtyHourDoc>(ROLLUP_DIRTY).findOne({ _id: new Date(h) }, { projection: { _id: 1 } }))),
  ]);
  return {
    missing: hours.filter((h, i) => !(rolled[i] && rolled[i].readAt.getTime() >= h + HOUR_MS)).length,
    dirty: dirty.filter((d) => d !== null).length,
  };
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
    for (const day of old) {
      const { missing, dirty: dirtyCount } = await dayRollState(ctx, day);
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
  // A query, on purpose: test clicks are one per "send test postback", kept no longer than the partitions.
  const tests = await testClicks(ctx.db).deleteMany({ ts: { $lt: new Date(dayKeyToMs(oldestKept)) } });
  result.counts.testClicksDeleted = tests.deletedCount;
  // Through the job-runs list's oldest day buckets, by `_id`, keeping its counters (job-runs/run-list.ts).
  result.counts.jobRunsDeleted = await pruneJobRuns(ctx, nowMs - ctx.config.JOB_RUN_RETENTION_DAYS * DAY_MS);
  return result;
}
