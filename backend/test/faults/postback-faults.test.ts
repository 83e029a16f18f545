import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { HOUR_MS } from '../../src/domain/time-buckets';
import type { ApiServer } from '../../src/http/server';
import { startTestApi } from '../helpers/api';
import { createOffer } from '../helpers/tracking';
import { assertReconciled, faultContext, ownMongo, ownRedis, sleep, tempDir, unfinishedJobs, until, type Child, type FaultEnv } from './helpers';
import { assertConvertedOnce, assertReconciledAfterKills, firePostbacks, salesFor, startWorkerProcess, targetOf, waitConversions } from './postback-load';

/**
 * Postbacks (advertiser → Offerly) under the three faults the click tests
 * already cover: the worker process SIGKILLed mid-load and started again,
 * Redis stopped and started again, and the MongoDB-wire server frozen
 * (SIGSTOP, then SIGCONT). Redis and the MongoDB-wire server are this file's
 * own; the API runs in this process, the worker is a real child process. The
 * client sends one postback per sale and retries like an advertiser's server
 * (503/429 after Retry-After, no answer at all): every sale ends as exactly
 * one approved conversion, counted once, paid once, and reconciles.
 */
const MONEY = { revenueCents: 1000, payoutCents: 700 };
const N = 300;
const CONVERSION_CONCURRENCY = 16;
let redis: Awaited<ReturnType<typeof ownRedis>>;
let mongo: Awaited<ReturnType<typeof ownMongo>>;
let ctx: AppContext;
let fault: FaultEnv;
let api: ApiServer;
const workers: Child[] = [];

beforeAll(async () => {
  [redis, mongo] = await Promise.all([ownRedis(tempDir('pb-redis')), ownMongo(tempDir('pb-mongo'))]);
  ({ ctx, fault } = await faultContext({
    mongoUrl: mongo.url,
    redisUrl: redis.url,
    env: {
      // A dead worker's jobs are taken back within seconds; spooled postbacks are replayed after a second.
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_CHECK_MS: '1000',
      POSTBACK_REPLAY_AFTER_SECONDS: '1',
      POSTBACK_ENQUEUE_TIMEOUT_MS: '300',
      WORKER_CONVERSION_CONCURRENCY: String(CONVERSION_CONCURRENCY),
      PAYOUT_HOLD_DAYS: '0',
      PAYOUT_MIN_CENTS: '0',
    },
  }));
  api = await startTestApi(ctx);
}, 60_000);

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  if (mongo?.pid()) mongo.signal('SIGCONT');
  await redis?.start().catch(() => {});
  await api?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
  await Promise.all([redis?.stop(), mongo?.stop()]);
}, 60_000);

const liveWorker = () => workers.filter((w) => w.alive()).at(-1) ?? null;
const ensureWorker = async () => liveWorker() ?? (await startWorkerProcess(fault, {}, workers));

describe('postbacks under faults', () => {
  it('worker SIGKILLed mid-load and restarted, twice: every accepted postback gives one conversion, paid once', async () => {
    const startedAt = Date.now() - HOUR_MS;
    const offer = await createOffer(ctx, api.url);
    const t = targetOf(offer);
    const sales = await salesFor(ctx, t, N, 'kill');
    await ensureWorker();

    const kills: Array<{ active: number; converted: number }> = [];
    const killAndRestart = async () => {
      // The database frozen, a job the worker takes stays in its hands: the kill lands inside it.
      mongo.signal('SIGSTOP');
      let active: number;
      try {
        const deadline = Date.now() + 5_000;
        while ((active = (await ctx.queues.conversions.getJobCounts('active')).active ?? 0) === 0 && Date.now() < deadline) await sleep(5);
        await liveWorker()!.kill('SIGKILL');
      } finally {
        mongo.signal('SIGCONT');
      }
      kills.push({ active, converted: await ctx.models.Conversion.countDocuments({ campaignId: t.campaignId }) });
      await startWorkerProcess(fault, {}, workers);
    };
    let first: Promise<void> | null = null;
    const load = await firePostbacks(api.url, t.token, sales, {
      concurrency: 20,
      onProgress: (done) => {
        if (done === 100) first = killAndRestart();
      },
    });
    await first;
    // The second crash once the new worker is into the backlog (if any is left, the kill lands in it).
    if ((await unfinishedJobs(ctx, 'conversions')) > 0) await killAndRestart();
    expect(kills.length).toBeGreaterThanOrEqual(1);
    expect(kills.some((k) => k.active > 0), 'a kill hit a worker with postbacks in hand').toBe(true);
    await waitConversions(ctx, t.campaignId, N);
    const { extraPlaces } = await assertConvertedOnce(ctx, t, sales, load, MONEY, { maxExtraPlaces: kills.length * CONVERSION_CONCURRENCY });
    const listsShort = await assertReconciledAfterKills(ctx, startedAt, kills.length * CONVERSION_CONCURRENCY);
    console.log(JSON.stringify({ test: 'postback-faults/worker-kill', sales: N, statuses: load.statuses, kills, extraPlaces, listsShort, ms: Date.now() - startedAt - HOUR_MS }));
  }, 120_000);

  it('worker SIGKILLed between the lifetime and the daily cap place: the lifetime counter is never left behind, repair makes the days exact', async () => {
    const startedAt = Date.now() - HOUR_MS;
    const offer = await createOffer(ctx, api.url);
    const t = targetOf(offer);
    const sales = await salesFor(ctx, t, 40, 'gate');
    for (const w of workers) await w.kill('SIGKILL');
    const paused = await startWorkerProcess(fault, { OFFERLY_FAULT_PAUSE: 'conversions:lifetime-place-taken' }, workers);
    const sending = firePostbacks(api.url, t.token, sales, { concurrency: 10 });
    await until('the worker to stop between the two places', () => paused.output().includes('fault point conversions:lifetime-place-taken reached'), 60_000, 20);
    await paused.kill('SIGKILL');
    await startWorkerProcess(fault, {}, workers);
    const load = await sending;
    await waitConversions(ctx, t.campaignId, sales.length);
    const { extraPlaces } = await assertConvertedOnce(ctx, t, sales, load, MONEY, { maxExtraPlaces: CONVERSION_CONCURRENCY });
    // The killed group's lifetime places were taken and their daily ones not: the lifetime counter is ahead.
    expect(extraPlaces.total).toBeGreaterThan(extraPlaces.daily);
    const listsShort = await assertReconciledAfterKills(ctx, startedAt, CONVERSION_CONCURRENCY);
    console.log(JSON.stringify({ test: 'postback-faults/gate-kill', sales: sales.length, extraPlaces, listsShort, ms: Date.now() - startedAt - HOUR_MS }));
  }, 120_000);

  it('Redis stopped and started again mid-load: what the API accepted is not lost; 503s retried; one conversion each', async () => {
    const startedAt = Date.now() - HOUR_MS;
    const offer = await createOffer(ctx, api.url);
    const t = targetOf(offer);
    const sales = await salesFor(ctx, t, N, 'redis');
    await ensureWorker();

    let down!: (at: number) => void;
    const stopped = new Promise<number>((resolve) => (down = resolve));
    let restart: Promise<number> | null = null;
    const load = await firePostbacks(api.url, t.token, sales, {
      concurrency: 20,
      onProgress: (done) => {
        if (done !== 80) return;
        void redis.stop().then(() => down(Date.now()));
        // Down for three seconds (longer than a job lock), whatever the senders were answered meanwhile.
        restart = stopped.then(async (at0) => {
          await sleep(Math.max(0, at0 + 3_000 - Date.now()));
          const at = Date.now();
          await redis.start();
          return at;
        });
      },
      // Sales from the 120th on are sent once Redis is down.
      before: async (i) => {
        if (i >= 120) await stopped;
      },
    });
    const stoppedAt = await stopped;
    const restartAt = await restart!;
    const acceptedWhileDown = load.acceptedAt.filter((at) => at >= stoppedAt && at < restartAt).length;
    // The outage was seen by the senders: answered while Redis was down (stored in MongoDB), or refused and retried.
    expect(acceptedWhileDown + load.retries, 'postbacks that met the outage').toBeGreaterThan(0);
    await waitConversions(ctx, t.campaignId, N, 90_000);
    expect(liveWorker(), 'the worker rode out the outage').not.toBeNull();
    await assertConvertedOnce(ctx, t, sales, load, MONEY);
    await assertReconciled(ctx, startedAt);
    console.log(JSON.stringify({ test: 'postback-faults/redis-down', sales: N, statuses: load.statuses, retries: load.retries, acceptedWhileDown, outageMs: restartAt - stoppedAt, ms: Date.now() - startedAt - HOUR_MS }));
  }, 150_000);

  it('MongoDB-wire server frozen (SIGSTOP, SIGCONT) mid-load: every accepted postback gives one conversion', async () => {
    const startedAt = Date.now() - HOUR_MS;
    const offer = await createOffer(ctx, api.url);
    const t = targetOf(offer);
    const sales = await salesFor(ctx, t, N, 'freeze');
    await ensureWorker();

    let frozen!: (at: number) => void;
    const stopped = new Promise<number>((resolve) => (frozen = resolve));
    let thaw: Promise<number> | null = null;
    // Postback jobs not finished yet, sampled from Redis while the database is frozen.
    const heldWhileFrozen: number[] = [];
    const load = await firePostbacks(api.url, t.token, sales, {
      concurrency: 20,
      onProgress: (done) => {
        if (done !== 80) return;
        thaw = (async () => {
          mongo.signal('SIGSTOP');
          frozen(Date.now());
          const end = Date.now() + 5_000;
          while (Date.now() < end) {
            await sleep(Math.min(500, Math.max(0, end - Date.now())));
            heldWhileFrozen.push(await unfinishedJobs(ctx, 'conversions'));
          }
          const at = Date.now();
          mongo.signal('SIGCONT');
          return at;
        })();
      },
      before: async (i) => {
        if (i >= 120) await stopped;
      },
    });
    const frozenAt = await stopped;
    const thawedAt = await thaw!;
    const acceptedWhileFrozen = load.acceptedAt.filter((at) => at >= frozenAt && at < thawedAt).length;
    // The worker was holding postbacks it could not store while the database was frozen.
    expect(Math.max(...heldWhileFrozen), 'postback jobs held while frozen').toBeGreaterThan(0);
    await waitConversions(ctx, t.campaignId, N, 90_000);
    await until('the database to answer again', async () => (await ctx.db.command({ ping: 1 })).ok === 1, 30_000);
    expect(liveWorker(), 'the worker rode out the freeze').not.toBeNull();
    const { madeByUnansweredAttempt } = await assertConvertedOnce(ctx, t, sales, load, MONEY);
    await assertReconciled(ctx, startedAt);
    console.log(JSON.stringify({ test: 'postback-faults/mongo-frozen', sales: N, statuses: load.statuses, retries: load.retries, madeByUnansweredAttempt, acceptedWhileFrozen, heldMax: Math.max(...heldWhileFrozen), frozenMs: thawedAt - frozenAt, ms: Date.now() - startedAt - HOUR_MS }));
  }, 150_000);
});
