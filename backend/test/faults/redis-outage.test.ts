import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { createOffer, startTrackingStack, type Offer, type TrackingStack } from '../helpers/tracking';
import { assertExactlyOnce, faultContext, sleep, fireClicks, ownRedis, spawnProcess, storedCount, tempDir, until, waitDrained, type Child, type FaultEnv, type OwnService } from './helpers';

/**
 * Redis (AOF on, a server of this file's own) is stopped with SIGTERM in the
 * middle of a click load and started again on the same port and directory.
 * The API (in this process) must keep redirecting by spooling to disk; the
 * spool is replayed once Redis is back; the worker (a real process) rides
 * out the outage without restarting.
 */
let redis: OwnService;
let ctx: AppContext;
let fault: FaultEnv;
let stack: TrackingStack;
let offer: Offer;
let worker: Child | null = null;

beforeAll(async () => {
  redis = await ownRedis(tempDir('outage-redis'));
  ({ ctx, fault } = await faultContext({ redisUrl: redis.url, env: { WORKER_LOCK_MS: '2000', WORKER_STALLED_CHECK_MS: '1000' } }));
  stack = await startTrackingStack(ctx, { worker: false });
  offer = await createOffer(ctx, stack.api.url);
}, 60_000);

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await redis?.start().catch(() => {});
  await stack?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
  await redis?.stop();
}, 60_000);

describe('Redis stopped during load and started again', () => {
  it('keeps redirecting, replays the spool, and stores every redirected click once', async () => {
    const startedAt = Date.now();
    worker = spawnProcess('backend/src/main/worker.ts', fault, { LOG_LEVEL: 'info' });
    await until('the worker process to start', () => (worker!.output().match(/"msg":"worker started"/g) ?? []).length >= 3, 30_000);
    const url = `http://127.0.0.1:${stack.api.port}/c/${offer.linkId}`;

    let down!: (at: number) => void;
    const stopped = new Promise<number>((resolve) => (down = resolve));
    let restart: Promise<number> | null = null;
    let spooledWhileDown = 0;
    const load = await fireClicks(url, 2400, {
      concurrency: 50,
      onProgress: (done) => {
        if (done === 600) void redis.stop().then(() => down(Date.now()));
        if (done === 1800) {
          restart = stopped.then(async (at0) => {
            // Down for at least three seconds: longer than a worker's job lock, so batches in flight are taken back.
            await sleep(Math.max(0, at0 + 3000 - Date.now()));
            spooledWhileDown = stack.tracking.batcher.stats.spooled;
            const at = Date.now();
            await redis.start();
            return at;
          });
        }
      },
      // Clicks from the 1000th on are sent once Redis is down (and the restart waits for some of them).
      before: async (i) => {
        if (i >= 1000) await stopped;
      },
    });
    const stoppedAt = await stopped;
    const restartAt = await restart!;
    const answeredWhileDown = load.redirectedAt.filter((t) => t >= stoppedAt && t < restartAt).length;
    // Every click was answered with a redirect, with Redis gone for part of them.
    expect(load.errors).toEqual([]);
    expect(load.statuses).toEqual({ 302: 2400 });
    expect(answeredWhileDown).toBeGreaterThan(0);
    expect(spooledWhileDown).toBeGreaterThan(0);

    await until('the spool to be replayed', () => stack.tracking.spool.pending().length === 0, 30_000);
    await waitDrained(ctx, 2400);
    expect(worker.alive()).toBe(true);
    expect(await storedCount(ctx)).toBe(2400);
    await assertExactlyOnce(ctx, load.redirected, startedAt);
    console.log(JSON.stringify({ test: 'redis-outage', clicks: 2400, batcher: stack.tracking.batcher.stats, answeredWhileDown, spooledWhileDown, outageMs: restartAt - stoppedAt, ms: Date.now() - startedAt }));
  }, 90_000);
});
