import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, startTrackingStack } from '../helpers/tracking';
import { assertExactlyOnce, faultContext, sleep, fireClicks, ownRedis, spawnProcess, storedCount, tempDir, unfinishedJobs, until, waitDrained } from './helpers';

/**
 * Redis (AOF on, a server of this file's own) goes down in the middle of a
 * click load and is started again on the same port and directory: stopped
 * with SIGTERM (an orderly restart), or killed with SIGKILL (a crash). The
 * API (in this process) must keep redirecting by spooling to disk; the spool
 * is replayed once Redis is back; the worker (a real process) rides out the
 * outage without restarting. Redis appends every write to the AOF file before
 * it replies, so a process crash (unlike a machine crash) loses nothing it
 * acknowledged: both variants end with every redirected click stored once.
 * Each test has its own database and key prefix on that Redis.
 */
let redis: Awaited<ReturnType<typeof ownRedis>>;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await ownRedis(tempDir('outage-redis'));
}, 60_000);

afterAll(async () => {
  await redis?.start().catch(() => {});
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await redis?.stop();
}, 60_000);

/**
 * `freezeWorker`: the worker is stopped (SIGSTOP) from the 300th click until
 * Redis is back, so that Redis goes down holding click jobs it acknowledged
 * and nobody has stored yet: the ones a lost write would lose.
 */
async function outageUnderLoad(test: string, goDown: () => Promise<void>, opts: { freezeWorker?: boolean } = {}): Promise<void> {
  const startedAt = Date.now();
  const { ctx, fault } = await faultContext({ redisUrl: redis.url, env: { WORKER_LOCK_MS: '2000', WORKER_STALLED_CHECK_MS: '1000' } });
  const stack = await startTrackingStack(ctx, { worker: false });
  const worker = spawnProcess('backend/src/main/worker.ts', fault, { LOG_LEVEL: 'info' });
  cleanups.push(async () => {
    await worker.kill('SIGKILL');
    await stack.close();
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
  });
  const offer = await createOffer(ctx, stack.api.url);
  await until('the worker process to start', () => (worker.output().match(/"msg":"worker started"/g) ?? []).length >= 3, 30_000);
  const url = `http://127.0.0.1:${stack.api.port}/c/${offer.linkId}`;

  let down!: (at: number) => void;
  const stopped = new Promise<number>((resolve) => (down = resolve));
  let restart: Promise<number> | null = null;
  let spooledWhileDown = 0;
  let heldWhenDown: number | null = null;
  const load = await fireClicks(url, 2400, {
    concurrency: 50,
    onProgress: async (done) => {
      if (done === 300 && opts.freezeWorker) worker.proc.kill('SIGSTOP');
      if (done === 600) {
        heldWhenDown = await unfinishedJobs(ctx);
        void goDown().then(() => down(Date.now()));
      }
      if (done === 1800) {
        restart = stopped.then(async (at0) => {
          // Down for at least three seconds: longer than a worker's job lock, so batches in flight are taken back.
          await sleep(Math.max(0, at0 + 3000 - Date.now()));
          spooledWhileDown = stack.tracking.batcher.stats.spooled;
          const at = Date.now();
          await redis.start();
          if (opts.freezeWorker) worker.proc.kill('SIGCONT');
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
  if (opts.freezeWorker) expect(heldWhenDown, 'click jobs Redis held, unstored, when it went down').toBeGreaterThan(0);

  await until('the spool to be replayed', () => stack.tracking.spool.pending().length === 0, 30_000);
  await waitDrained(ctx, 2400);
  expect(worker.alive()).toBe(true);
  expect(await storedCount(ctx)).toBe(2400);
  await assertExactlyOnce(ctx, load.redirected, startedAt);
  console.log(JSON.stringify({ test, clicks: 2400, batcher: stack.tracking.batcher.stats, heldWhenDown, answeredWhileDown, spooledWhileDown, outageMs: restartAt - stoppedAt, ms: Date.now() - startedAt }));
}

describe('Redis down during load and started again', () => {
  it('stopped (SIGTERM): keeps redirecting, replays the spool, and stores every redirected click once', async () => {
    await outageUnderLoad('redis-outage/sigterm', () => redis.stop());
  }, 90_000);

  it('crashed (SIGKILL, AOF on): nothing acknowledged is lost; every redirected click is stored once', async () => {
    await outageUnderLoad('redis-outage/sigkill', () => redis.crash(), { freezeWorker: true });
  }, 90_000);
});
