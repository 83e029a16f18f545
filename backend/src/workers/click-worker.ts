import type { Emitter } from '@socket.io/redis-emitter';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { AppContext } from '../context';
import type { Models } from '../db/connection';
import type { CampaignCounterDoc } from '../db/models/campaign-counter';
import { insertNew } from '../db/insert-new';
import { clickPartition, partitionKey, type ClickDoc } from '../db/raw-events';
import { markHoursDirty } from '../db/rollup-dirty';
import { limitReached, nextSpendCents } from '../domain/click-rules';
import { dayKey, hourStart } from '../domain/time-buckets';
import type { Logger } from '../logger';
import { QUEUE_NAMES } from '../queues';
import { createLiveEmitter, recordLiveOnce, type LiveEvent } from '../realtime/live-counters';
import type { RedisKeys } from '../redis';
import { publishInvalidation } from '../tracking/cache-bus';
import { clickBatchSchema, type ClickBatch, type ClickEvent } from '../tracking/click-event';
import { stallOptions } from './connection';

/**
 * How long a batch's side effects stay marked as applied. A copy of a batch
 * (a late enqueue plus its spooled twin, a stalled job run again, a replay
 * resumed after a crash) arrives within minutes; two hours also outlives the
 * per-minute live buckets it feeds.
 */
export const BATCH_MARK_TTL_S = 2 * 3600;

export interface ClickWorkerDeps {
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

/** Duplicate click ids (a retried or copied batch) are expected and counted; anything else throws and the batch is retried. */
async function insertClicks(db: Db, partition: string, docs: ClickDoc[]): Promise<{ stored: number; duplicates: number }> {
  const { stored, existing } = await insertNew(await clickPartition(db, partition), docs);
  return { stored, duplicates: existing.length };
}

/**
 * Decides uniqueness idempotently: the first click of a visitor on a link
 * within the window stores its id in the key; a retry of that same click
 * reads its own id back and stays unique. Invalid clicks neither are unique
 * nor take the visitor's slot.
 */
async function uniqueness(deps: ClickWorkerDeps, clicks: ClickEvent[]): Promise<boolean[]> {
  const out = clicks.map(() => false);
  const valid = clicks.map((c, i) => [c, i] as const).filter(([c]) => c.reason === null);
  if (valid.length === 0) return out;
  const pipe = deps.redis.pipeline();
  const window = String(deps.config.UNIQUE_CLICK_WINDOW_SECONDS);
  for (const [c] of valid) pipe.call('SET', deps.keys.uniqueClick(c.linkId, c.visitor), c.id, 'NX', 'GET', 'EX', window);
  const res = (await pipe.exec()) ?? [];
  valid.forEach(([c, i], k) => {
    const [err, prev] = res[k] ?? [new Error('missing reply'), null];
    if (err) throw err;
    out[i] = prev === null || prev === c.id;
  });
  return out;
}

/** The raw click document of an event (shared with the naive benchmark server, so both store the same shape). */
export function toDoc(c: ClickEvent, unique: boolean): ClickDoc {
  const valid = c.reason === null;
  const paid = unique && valid;
  return {
    _id: c.id,
    ts: new Date(c.ts),
    hour: new Date(hourStart(c.ts)),
    linkId: c.linkId,
    campaignId: c.campaignId,
    affiliateId: c.affiliateId,
    advertiserId: c.advertiserId,
    unique: paid ? 1 : 0,
    valid: valid ? 1 : 0,
    invalid: valid ? 0 : 1,
    reason: c.reason,
    sub1: c.sub1,
    sub2: c.sub2,
    sub3: c.sub3,
    sub4: c.sub4,
    sub5: c.sub5,
    visitor: c.visitor,
    ua: c.ua,
    country: c.country,
    referer: c.referer,
    deepLink: c.deepLink,
    revenueCents: paid ? c.cpcRevenueCents : 0,
    payoutCents: paid ? c.cpcPayoutCents : 0,
    currency: c.currency,
  };
}

async function upsertSpend(deps: ClickWorkerDeps, id: string, campaignId: string, day: string, cents: number): Promise<CampaignCounterDoc | null> {
  const run = () =>
    deps.models.CampaignCounter.findOneAndUpdate(
      { _id: id },
      { $inc: { spendCents: cents }, $setOnInsert: { campaignId, day, conversions: 0 } },
      { upsert: true, returnDocument: 'after' },
    ).lean() as Promise<CampaignCounterDoc | null>;
  try {
    return await run();
  } catch (err) {
    // Two first writers of the same counter: one upsert loses the race and is applied as an update.
    if ((err as { code?: number }).code === 11000) return run();
    throw err;
  }
}

/**
 * CPC spend goes to the campaign's day and lifetime counters once per batch;
 * when a budget is used up the API instances are told, so the next click goes
 * to the fallback.
 */
async function applySpend(deps: ClickWorkerDeps, batch: ClickBatch, docs: ClickDoc[]): Promise<void> {
  const spend = new Map<string, { campaignId: string; day: string; cents: number }>();
  for (const d of docs) {
    if (!d.revenueCents) continue;
    const day = dayKey(d.ts.getTime());
    const k = `${d.campaignId}|${day}`;
    const s = spend.get(k) ?? { campaignId: d.campaignId, day, cents: 0 };
    s.cents += d.revenueCents;
    spend.set(k, s);
  }
  if (spend.size === 0) return;
  const mark = deps.keys.clickBatchMark(batch.id, 'spend');
  if ((await deps.redis.set(mark, '1', 'EX', BATCH_MARK_TTL_S, 'NX')) !== 'OK') return;
  const touched = new Map<string, { day: CampaignCounterDoc | null; total: CampaignCounterDoc | null }>();
  try {
    for (const s of spend.values()) {
      const [day, total] = await Promise.all([
        upsertSpend(deps, `${s.campaignId}|${s.day}`, s.campaignId, s.day, s.cents),
        upsertSpend(deps, `${s.campaignId}|total`, s.campaignId, 'total', s.cents),
      ]);
      if (s.day === dayKey(Date.now())) touched.set(s.campaignId, { day, total });
      else if (!touched.has(s.campaignId)) touched.set(s.campaignId, { day: null, total });
    }
  } catch (err) {
    // Not applied (or not entirely): let the retry apply it. A counter already bumped here may then count twice;
    // that needs MongoDB to fail between two writes of the same batch.
    await deps.redis.del(mark).catch(() => {});
    throw err;
  }
  for (const [campaignId, counters] of touched) {
    const c = await deps.models.Campaign.findById(campaignId, { caps: 1, payoutModel: 1, revenueCents: 1 }).lean();
    if (c?.caps && limitReached(c.caps, counters.day, counters.total, nextSpendCents(c)) === 'budget_exhausted') {
      await publishInvalidation(deps, { kind: 'campaign', id: campaignId });
    }
  }
}

/**
 * Stores a batch of clicks exactly once and counts it once. Steps, each safe
 * to repeat: uniqueness (idempotent SET NX GET), dirty-hour marks, unordered
 * insert by click id (duplicates are a retry's or a copy's), the dirty-hour
 * marks again, then spend and live counters guarded by per-batch marks. Any
 * failure throws, and BullMQ retries the whole batch with backoff.
 *
 * The hours are marked twice. The mark before the insert means a crash right
 * after it cannot leave a late hour unmarked. But a rollup may take that mark
 * (read it, read the raw clicks, clear it) between the mark and the insert,
 * and would then miss these clicks for good; the mark after the insert moves
 * the mark's version (or sets it anew), so the hour is rolled again.
 */
export async function processClickBatch(deps: ClickWorkerDeps, batch: ClickBatch): Promise<ClickBatchResult> {
  const unique = await uniqueness(deps, batch.clicks);
  const docs = batch.clicks.map((c, i) => toDoc(c, unique[i]!));
  const hours = docs.map((d) => d.hour);
  await markHoursDirty(deps.db, hours);
  await deps.beforeStore?.(batch);

  const byPartition = new Map<string, ClickDoc[]>();
  for (const d of docs) {
    const key = partitionKey(d.ts.getTime());
    const list = byPartition.get(key);
    if (list) list.push(d);
    else byPartition.set(key, [d]);
  }
  const results = await Promise.allSettled([...byPartition].map(([key, list]) => insertClicks(deps.db, key, list)));
  let stored = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason;
    stored += r.value.stored;
    duplicates += r.value.duplicates;
  }
  await markHoursDirty(deps.db, hours);
  await deps.afterStore?.(batch);

  // Every click of the batch is stored now (by this attempt or an earlier one), so the batch is counted as a whole, once.
  await applySpend(deps, batch, docs);
  const events: LiveEvent[] = docs.map((d) => ({
    at: d.ts.getTime(),
    campaignId: d.campaignId,
    affiliateId: d.affiliateId,
    currency: d.currency,
    delta: { clicks: 1, uniqueClicks: d.unique, invalidClicks: d.invalid, revenueCents: d.revenueCents, payoutCents: d.payoutCents },
  }));
  const liveApplied = await recordLiveOnce(deps, deps.keys.clickBatchMark(batch.id, 'live'), BATCH_MARK_TTL_S, events);
  return { clicks: docs.length, stored, duplicates, liveApplied };
}

export interface ClickWorkerOptions {
  afterStore?: ClickWorkerDeps['afterStore'];
  concurrency?: number;
}

/** The BullMQ worker draining the `clicks` queue; the returned function stops it after the active jobs. */
export async function startClickWorker(ctx: AppContext, opts: ClickWorkerOptions = {}): Promise<() => Promise<void>> {
  const connection = ctx.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'worker:clicks' });
  connection.on('error', () => {});
  const deps: ClickWorkerDeps = {
    db: ctx.db,
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    models: ctx.models,
    config: ctx.config,
    emitter: createLiveEmitter(ctx.redis, ctx.keys),
    afterStore: opts.afterStore,
  };
  const worker = new Worker<ClickBatch, ClickBatchResult>(
    QUEUE_NAMES.clicks,
    async (job) => {
      const parsed = clickBatchSchema.safeParse(job.data);
      // A malformed batch will never succeed: fail it at once and keep it for inspection.
      if (!parsed.success) throw new UnrecoverableError(`malformed click batch: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return processClickBatch(deps, parsed.data);
    },
    { connection, prefix: ctx.keys.bullPrefix, concurrency: opts.concurrency ?? ctx.config.WORKER_CLICK_CONCURRENCY, ...stallOptions(ctx.config, true) },
  );
  worker.on('failed', (job, err) => {
    ctx.log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'click batch failed; BullMQ retries it with backoff');
  });
  worker.on('error', (err) => ctx.log.error({ err }, 'click worker error'));
  await worker.waitUntilReady();
  return async () => {
    await worker.close();
    connection.disconnect();
  };
}
