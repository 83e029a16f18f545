import { performance } from 'node:perf_hooks';
import { parseConfig } from '@offerly/backend/config';
import { createContext, type AppContext } from '@offerly/backend/context';
import { createCampaign } from '@offerly/backend/campaigns/campaigns';
import { findClick, listClickPartitions, clicksCollectionName } from '@offerly/backend/db/raw-events';
import { campaignCreateSchema } from '@offerly/backend/domain/campaign-rules';
import { dayKey } from '@offerly/backend/domain/time-buckets';
import { getOrCreateLink } from '@offerly/backend/links/links';
import { PLATFORM_ID } from '@offerly/backend/realtime/live-counters';
import { BROWSER_UA, runLoad } from './load';
import { newTarget, progress, startCeiling, startNaive, startOfferlyApi, startOfferlyWorker, type ChildServer, type Target } from './processes';
import { clickIdFromLocation, latencySummary, ratio, type LoadSummary } from './stats';
import type { BenchOptions } from './options';

type Run = LoadSummary & { targetRate: number | null };

export interface ScenarioResult {
  saturation: Run;
  fixedRate: Run;
  /** Offerly and naive only: clicks in MongoDB against the 302s the load generator counted. */
  stored?: StoredCheck;
  /** Offerly only: how long the worker needed after the saturation run to store what was still queued. */
  drainAfterSaturationMs?: number;
}

export interface LagResult {
  storedP50Ms: number | null;
  storedP99Ms: number | null;
  storedMaxMs: number | null;
  liveP50Ms: number | null;
  liveP99Ms: number | null;
  liveMaxMs: number | null;
  samples: number;
  missing: number;
  rate: number;
  pollIntervalMs: number;
}

export interface ClickResult {
  ceiling: ScenarioResult;
  offerly: ScenarioResult;
  naive: ScenarioResult;
  ratios: { offerlyToCeiling: number | null; offerlyToNaive: number | null; offerlyToCeilingP99AtFixedRate: number | null; offerlyToNaiveP99AtFixedRate: number | null };
  lag: LagResult;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function benchContext(t: Target, name: string): Promise<AppContext> {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: t.mongoDb, REDIS_PREFIX: t.redisPrefix, JWT_SECRET: t.jwtSecret, DATA_DIR: t.dataDir });
  return createContext(config, { name, mongoUrl: t.mongoUrl, redisUrl: t.redisUrl });
}

/** One advertiser, one approved affiliate, one CPA campaign whose destination carries the click id, and its link. */
async function seedLink(ctx: AppContext): Promise<string> {
  const adv = await ctx.models.User.create({ email: 'adv@bench.test', passwordHash: 'x', role: 'advertiser', status: 'approved', name: 'Bench advertiser' });
  const aff = await ctx.models.User.create({ email: 'aff@bench.test', passwordHash: 'x', role: 'affiliate', status: 'approved', name: 'Bench affiliate' });
  const campaign = await createCampaign(ctx, adv._id, campaignCreateSchema.parse({
    name: 'Bench clicks', destinationUrl: 'https://example.com/?c={click_id}&s={sub1}', payoutModel: 'CPA', revenueCents: 1000, payoutCents: 700,
  }));
  const link = await getOrCreateLink(ctx, campaign, aff._id);
  return link._id;
}

async function storedClicks(ctx: AppContext): Promise<number> {
  let n = 0;
  for (const day of await listClickPartitions(ctx.db)) n += await ctx.db.collection(clicksCollectionName(day)).countDocuments({});
  return n;
}

/** Waits until the clicks queue is empty and no batch is being stored; returns how long that took. */
async function drainClicks(ctx: AppContext, worker: ChildServer, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const [waiting, active] = await Promise.all([ctx.queues.clicks.count(), ctx.queues.clicks.getActiveCount()]);
    if (waiting === 0 && active === 0) return Math.round(performance.now() - t0);
    if (worker.exited()) throw new Error(`the worker process ended:\n${worker.tail()}`);
    if (performance.now() - t0 > timeoutMs) throw new Error(`click queue not drained after ${timeoutMs} ms (${waiting} waiting, ${active} active)`);
    await sleep(50);
  }
}

/** Brings connections, the link cache and the JIT up to speed; not measured. */
const warmUp = (url: string) => runLoad({ url, connections: 10, durationS: 2 });

/**
 * Every redirect must be stored, and nothing else. autocannon stops counting
 * when a run's time is up while each connection may still have one request in
 * flight, which the server answers (and stores) all the same; so the stored
 * count may exceed the counted 302s by at most one per connection per run.
 */
export interface StoredCheck {
  redirects: number;
  stored: number;
  uncountedAtStopMax: number;
  consistent: boolean;
}

export function storedCheck(runs: Run[], extraRedirects: number, stored: number): StoredCheck {
  const redirects = runs.reduce((n, r) => n + r.responses['3xx'], 0) + extraRedirects;
  const uncountedAtStopMax = runs.reduce((n, r) => n + r.connections, 0);
  return { redirects, stored, uncountedAtStopMax, consistent: stored >= redirects && stored <= redirects + uncountedAtStopMax };
}

/**
 * End-to-end lag on a sample of clicks sent at a moderate fixed rate: from the
 * moment the 302 reaches the client to the moment the click can be read back
 * from its MongoDB partition (by _id), and to the moment the platform's live
 * click counter in Redis has counted it (the k-th sampled click is live once
 * the counter is k above where it stood before the sample). Both are polled
 * every `pollMs`, so each figure may be late by up to one poll plus one read.
 */
export async function measureLag(ctx: AppContext, clickUrl: string, samples: number, rate: number, pollMs = 5): Promise<LagResult> {
  const liveKey = () => ctx.keys.live('platform', PLATFORM_ID, `d:${dayKey(Date.now())}`);
  const base = Number((await ctx.redis.hget(liveKey(), 'c')) ?? 0);
  interface Sample { id: string; sentAt: number; k: number; storedAt?: number; liveAt?: number }
  const sent: Sample[] = [];
  let failed = 0;
  let sending = true;
  const sender = (async () => {
    const gap = 1000 / rate;
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < samples; i++) {
      const due = t0 + i * gap;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inflight.push(
        fetch(clickUrl, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } }).then(
          async (res) => {
            const at = performance.now();
            await res.body?.cancel();
            const id = clickIdFromLocation(res.headers.get('location'));
            if (res.status === 302 && id) sent.push({ id, sentAt: at, k: sent.length + 1 });
            else failed++;
          },
          () => { failed++; },
        ),
      );
    }
    await Promise.all(inflight);
    sending = false;
  })();

  const deadlineAfterSend = 60_000;
  let sentDoneAt: number | null = null;
  while (true) {
    const open = sent.filter((s) => s.storedAt === undefined || s.liveAt === undefined);
    if (!sending) {
      sentDoneAt ??= performance.now();
      if (open.length === 0 || performance.now() - sentDoneAt > deadlineAfterSend) break;
    }
    const count = Number((await ctx.redis.hget(liveKey(), 'c')) ?? 0);
    const liveAt = performance.now();
    for (const s of open) if (s.liveAt === undefined && count >= base + s.k) s.liveAt = liveAt;
    await Promise.all(
      open.filter((s) => s.storedAt === undefined).map(async (s) => {
        if (await findClick(ctx.db, s.id)) s.storedAt = performance.now();
      }),
    );
    await sleep(pollMs);
  }
  await sender;
  const stored = sent.filter((s) => s.storedAt !== undefined).map((s) => s.storedAt! - s.sentAt);
  const live = sent.filter((s) => s.liveAt !== undefined).map((s) => s.liveAt! - s.sentAt);
  const st = latencySummary(stored);
  const lv = latencySummary(live);
  return {
    storedP50Ms: st.p50Ms, storedP99Ms: st.p99Ms, storedMaxMs: st.maxMs,
    liveP50Ms: lv.p50Ms, liveP99Ms: lv.p99Ms, liveMaxMs: lv.maxMs,
    samples: sent.length,
    missing: failed + sent.filter((s) => s.storedAt === undefined || s.liveAt === undefined).length,
    rate,
    pollIntervalMs: pollMs,
  };
}

async function ceilingScenario(opts: BenchOptions): Promise<ScenarioResult> {
  const srv = await startCeiling();
  try {
    const url = `${srv.url}/c/ceiling`;
    await warmUp(url);
    progress(`ceiling: saturation, ${opts.connections} connections, ${opts.durationS} s`);
    const saturation = await runLoad({ url, connections: opts.connections, durationS: opts.durationS });
    progress(`ceiling: fixed ${opts.fixedRate} req/s`);
    const fixedRate = await runLoad({ url, connections: opts.connections, durationS: opts.durationS, overallRate: opts.fixedRate });
    return { saturation, fixedRate };
  } finally {
    await srv.stop();
  }
}

async function offerlyScenario(opts: BenchOptions, base: { mongoUrl: string; redisUrl: string; dataDir: string }): Promise<{ result: ScenarioResult; lag: LagResult }> {
  const t = newTarget(base, 'offerly');
  const ctx = await benchContext(t, 'bench-offerly');
  try {
    const linkId = await seedLink(ctx);
    const api = await startOfferlyApi(t);
    const worker = await startOfferlyWorker(t);
    try {
      const url = `${api.url}/c/${linkId}?sub1=bench`;
      const warm = await warmUp(url);
      await drainClicks(ctx, worker, 120_000);
      progress(`offerly: saturation, ${opts.connections} connections, ${opts.durationS} s (worker draining concurrently)`);
      const saturation = await runLoad({ url, connections: opts.connections, durationS: opts.durationS });
      const drainAfterSaturationMs = await drainClicks(ctx, worker, 600_000);
      progress(`offerly: worker drained the rest in ${drainAfterSaturationMs} ms; fixed ${opts.fixedRate} req/s`);
      const fixedRate = await runLoad({ url, connections: opts.connections, durationS: opts.durationS, overallRate: opts.fixedRate });
      await drainClicks(ctx, worker, 600_000);
      progress(`offerly: end-to-end lag on ${opts.lagSamples} clicks at ${opts.lagRate}/s`);
      const lag = await measureLag(ctx, url, opts.lagSamples, opts.lagRate);
      await drainClicks(ctx, worker, 60_000);
      const stored = storedCheck([warm, saturation, fixedRate], lag.samples, await storedClicks(ctx));
      return { result: { saturation, fixedRate, drainAfterSaturationMs, stored }, lag };
    } finally {
      await api.stop();
      await worker.stop();
    }
  } finally {
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
  }
}

async function naiveScenario(opts: BenchOptions, base: { mongoUrl: string; redisUrl: string; dataDir: string }): Promise<ScenarioResult> {
  const t = newTarget(base, 'naive');
  const ctx = await benchContext(t, 'bench-naive');
  try {
    const linkId = await seedLink(ctx);
    const srv = await startNaive(t);
    try {
      const url = `${srv.url}/c/${linkId}?sub1=bench`;
      const warm = await warmUp(url);
      progress(`naive: saturation, ${opts.connections} connections, ${opts.durationS} s`);
      const saturation = await runLoad({ url, connections: opts.connections, durationS: opts.durationS });
      progress(`naive: fixed ${opts.fixedRate} req/s`);
      const fixedRate = await runLoad({ url, connections: opts.connections, durationS: opts.durationS, overallRate: opts.fixedRate });
      return { saturation, fixedRate, stored: storedCheck([warm, saturation, fixedRate], 0, await storedClicks(ctx)) };
    } finally {
      await srv.stop();
    }
  } finally {
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
  }
}

export function clickRatios(ceiling: ScenarioResult, offerly: ScenarioResult, naive: ScenarioResult): ClickResult['ratios'] {
  return {
    offerlyToCeiling: ratio(offerly.saturation.requestsPerSec, ceiling.saturation.requestsPerSec),
    offerlyToNaive: ratio(offerly.saturation.requestsPerSec, naive.saturation.requestsPerSec),
    offerlyToCeilingP99AtFixedRate: ratio(offerly.fixedRate.latencyMs.p99, ceiling.fixedRate.latencyMs.p99),
    offerlyToNaiveP99AtFixedRate: ratio(offerly.fixedRate.latencyMs.p99, naive.fixedRate.latencyMs.p99),
  };
}

/** Scenarios run one after the other, each server alone in its own child process. */
export async function runClickSuite(opts: BenchOptions, base: { mongoUrl: string; redisUrl: string; dataDir: string }): Promise<ClickResult> {
  const ceiling = await ceilingScenario(opts);
  const { result: offerly, lag } = await offerlyScenario(opts, base);
  const naive = await naiveScenario(opts, base);
  return { ceiling, offerly, naive, ratios: clickRatios(ceiling, offerly, naive), lag };
}
