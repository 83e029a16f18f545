import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { createOffer, startTrackingStack, type Offer, type TrackingStack } from '../helpers/tracking';
import { assertExactlyOnce, storedClickIds, faultContext, fireClicks, ownMongo, sleep, spawnProcess, storedCount, tempDir, unfinishedJobs, until, waitDrained, type Child, type FaultEnv } from './helpers';

/**
 * The MongoDB-wire server (one of this file's own) is stopped for about ten
 * seconds in the middle of a click load and started again on the same port
 * and data directory. Clicks keep being redirected (the API's link cache has
 * seen the link before the outage, and clicks only need Redis), the queue
 * holds them, and the worker (a real process) retries with backoff and
 * drains them after the restart, without restarting itself.
 */
const OUTAGE_MS = 10_000;
let mongo: Awaited<ReturnType<typeof ownMongo>>;
let ctx: AppContext;
let fault: FaultEnv;
let stack: TrackingStack;
let offer: Offer;
let worker: Child | null = null;

beforeAll(async () => {
  mongo = await ownMongo(tempDir('outage-mongo'));
  ({ ctx, fault } = await faultContext({
    mongoUrl: mongo.url,
    // The link must stay cached through the outage: a reload would wait for the database.
    env: { WORKER_LOCK_MS: '2000', WORKER_STALLED_CHECK_MS: '1000', LINK_CACHE_TTL_MS: '600000' },
  }));
  stack = await startTrackingStack(ctx, { worker: false });
  offer = await createOffer(ctx, stack.api.url);
}, 60_000);

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await mongo?.start().catch(() => {});
  await stack?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
  await mongo?.stop();
}, 60_000);

describe('MongoDB-wire server stopped for ~10 s during load', () => {
  it('keeps redirecting; the queue holds the clicks and the worker drains them after the restart', async () => {
    const startedAt = Date.now();
    worker = spawnProcess('backend/src/main/worker.ts', fault, { LOG_LEVEL: 'info' });
    await until('the worker process to start', () => (worker!.output().match(/"msg":"worker started"/g) ?? []).length >= 3, 30_000);
    const url = `http://127.0.0.1:${stack.api.port}/c/${offer.linkId}`;
    // The link is in the API's cache before the outage.
    const warm = await fireClicks(url, 1, { concurrency: 1 });

    let down!: (at: number) => void;
    const stopped = new Promise<number>((resolve) => (down = resolve));
    let restart: Promise<number> | null = null;
    let storedBefore = 0;
    // Click jobs not finished yet, sampled from Redis while the database is down (it cannot be asked).
    const heldWhileDown: number[] = [];
    const load = await fireClicks(url, 2400, {
      concurrency: 50,
      onProgress: (done) => {
        if (done !== 500) return;
        restart = (async () => {
          storedBefore = await storedCount(ctx);
          await mongo.stop();
          down(Date.now());
          const end = Date.now() + OUTAGE_MS;
          while (Date.now() < end) {
            await sleep(Math.min(500, end - Date.now()));
            heldWhileDown.push(await unfinishedJobs(ctx));
          }
          const at = Date.now();
          await mongo.start();
          return at;
        })();
      },
      // The second half of the load is sent once the database is down.
      before: async (i) => {
        if (i >= 1200) await stopped;
      },
    });
    const stoppedAt = await stopped;
    const restartAt = await restart!;
    expect(load.errors).toEqual([]);
    expect(load.statuses).toEqual({ 302: 2400 });
    const answeredWhileDown = load.redirectedAt.filter((t) => t >= stoppedAt && t < restartAt).length;
    expect(answeredWhileDown).toBeGreaterThan(0);
    // The queue held them: the last sample, taken just before the restart, still finds click jobs waiting
    // (clicks answered while nothing could be stored have nowhere else to be).
    expect(heldWhileDown.length).toBeGreaterThan(0);
    expect(heldWhileDown.at(-1)).toBeGreaterThan(0);

    const redirected = [...warm.redirected, ...load.redirected];
    try {
      await waitDrained(ctx, redirected.length, 60_000);
    } catch (err) {
      const stored = new Set(await storedClickIds(ctx));
      const missing = redirected.filter((id) => !stored.has(id));
      const { clickIdTime } = await import('../../src/domain/click-id');
      console.log(JSON.stringify({
        diag: 'mongo-outage', batcher: stack.tracking.batcher.stats, spool: stack.tracking.spool.pending(), stoppedAt, restartAt,
        missing: missing.length, missingAt: [...new Set(missing.map((id) => (clickIdTime(id) ?? 0) - stoppedAt))].slice(0, 20),
      }));
      console.log(worker.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l)).slice(-30).join('\n'));
      throw err;
    }
    expect(worker.alive()).toBe(true);
    await assertExactlyOnce(ctx, redirected, startedAt);
    const out = worker.output();
    console.log(JSON.stringify({ test: 'mongo-outage', retriedAttempts: (out.match(/click batch failed/g) ?? []).length, shortInserts: (out.match(/the database acknowledged/g) ?? []).length, clicks: redirected.length, storedBefore, answeredWhileDown, heldWhileDownMax: Math.max(...heldWhileDown), outageMs: restartAt - stoppedAt, ms: Date.now() - startedAt }));
  }, 120_000);
});
