import type { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { Models } from '../db/connection';
import type { ClickDoc } from '../db/raw-events';
import { recordClickLog } from '../db/click-log';
import { markHoursDirty } from '../db/rollup-dirty';
import type { Logger } from '../logger';
import { recordLiveOnce, type LiveEvent } from '../realtime/live-counters';
import type { RedisKeys } from '../redis';
import { BATCH_MARK_TTL_S } from './batch-marks';
import { toClickDoc } from './click-doc';
import type { ClickBatch } from './click-event';
import { applyClickSpend } from './click-spend';
import { decideUniqueness } from './click-uniqueness';
import { storeClicks } from './store-clicks';

export interface ClickBatchDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  log: Logger;
  models: Pick<Models, 'Campaign' | 'CampaignCounter'>;
  config: Pick<Config, 'UNIQUE_CLICK_WINDOW_SECONDS'>;
  emitter: Emitter | null;
  /** Fault injection for tests: runs after the first dirty-hour mark, before the clicks are inserted. */
  beforeStore?: (batch: ClickBatch) => void | Promise<void>;
  /** Fault injection for tests: runs after the batch is stored, before anything is counted. */
  afterStore?: (batch: ClickBatch) => void | Promise<void>;
}

export interface ClickBatchResult {
  clicks: number;
  stored: number;
  duplicates: number;
  liveApplied: boolean;
}

function liveEventsOf(docs: ClickDoc[]): LiveEvent[] {
  return docs.map((d) => ({
    at: d.ts.getTime(),
    campaignId: d.campaignId,
    affiliateId: d.affiliateId,
    currency: d.currency,
    delta: { clicks: 1, uniqueClicks: d.unique, invalidClicks: d.invalid, revenueCents: d.revenueCents, payoutCents: d.payoutCents },
  }));
}

/**
 * Stores a batch of clicks exactly once and counts it once. Steps, each safe
 * to repeat: uniqueness (idempotent SET NX GET), dirty-hour marks, unordered
 * insert by click id (duplicates are a retry's or a copy's), the dirty-hour
 * marks again, then spend and live counters guarded by per-batch marks. Any
 * failure throws, and the queue retries the whole batch with backoff.
 *
 * The hours are marked twice. The mark before the insert means a crash right
 * after it cannot leave a late hour unmarked. But a rollup may take that mark
 * (read it, read the raw clicks, clear it) between the mark and the insert,
 * and would then miss these clicks for good; the mark after the insert moves
 * the mark's version (or sets it anew), so the hour is rolled again.
 */
export async function processClickBatch(deps: ClickBatchDeps, batch: ClickBatch): Promise<ClickBatchResult> {
  const unique = await decideUniqueness(deps, batch.clicks);
  const docs = batch.clicks.map((c, i) => toClickDoc(c, unique[i]!));
  const hours = docs.map((d) => d.hour);
  await markHoursDirty(deps.db, hours);
  await deps.beforeStore?.(batch);
  const { stored, duplicates } = await storeClicks(deps.db, docs);
  // The click log's buckets beside the second mark: a retry pushes the ids again, and readers drop repeats.
  await Promise.all([markHoursDirty(deps.db, hours), recordClickLog(deps.db, docs)]);
  await deps.afterStore?.(batch);

  // Every click of the batch is stored now (by this attempt or an earlier one), so the batch is counted as a whole, once.
  await applyClickSpend(deps, batch, docs);
  const liveApplied = await recordLiveOnce(deps, deps.keys.clickBatchMark(batch.id, 'live'), BATCH_MARK_TTL_S, liveEventsOf(docs));
  return { clicks: docs.length, stored, duplicates, liveApplied };
}
