import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { createOffer, startTrackingStack, type Offer, type TrackingStack } from '../helpers/tracking';
import {
  assertExactlyOnce,
  assertReconciled,
  storedClickIds,
  faultContext,
  fireClicks,
  ownMongo,
  spawnProcess,
  storedCount,
  tempDir,
  until,
  waitDrained,
  type Child,
  type FaultEnv,
} from './helpers';

/**
 * The worker process is SIGKILLed while it stores click batches, then
 * started again. The API runs in this process (its click path needs no
 * MongoDB once the link is cached); the worker is a real child process on a
 * MongoDB-wire server of this file's own, which the second test freezes
 * (SIGSTOP) so that batches are provably in the middle of being stored when
 * the worker dies.
 */
let mongo: Awaited<ReturnType<typeof ownMongo>>;
let ctx: AppContext;
let fault: FaultEnv;
let stack: TrackingStack;
let offer: Offer;
const workers: Child[] = [];

const WORKER_ENV = { LOG_LEVEL: 'info' };

async function startWorker(): Promise<Child> {
  const w = spawnProcess('backend/src/main/worker.ts', fault, WORKER_ENV);
  workers.push(w);
  await until('the worker process to start its workers', () => {
    if (!w.alive()) throw new Error(`worker exited early:\n${w.output().slice(-2000)}`);
    return (w.output().match(/"msg":"worker started"/g) ?? []).length >= 3;
  }, 30_000);
  return w;
}

/** The stall counter BullMQ keeps on a job (how often it was taken back from a dead worker). */
const stalledCount = async (jobId: string) => Number((await ctx.redis.hget(`${ctx.keys.bullPrefix}:clicks:${jobId}`, 'stc')) ?? 0);
const lockKey = (jobId: string) => `${ctx.keys.bullPrefix}:clicks:${jobId}:lock`;

beforeAll(async () => {
  mongo = await ownMongo(tempDir('crash-mongo'));
  ({ ctx, fault } = await faultContext({
    mongoUrl: mongo.url,
    // A dead worker's batches are taken back within seconds instead of the 30 s defaults.
    env: { WORKER_LOCK_MS: '2000', WORKER_STALLED_CHECK_MS: '1000', LINK_CACHE_TTL_MS: '600000' },
  }));
  stack = await startTrackingStack(ctx, { worker: false });
  offer = await createOffer(ctx, stack.api.url);
}, 60_000);

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  // A frozen server would never stop; signalled only if this file started a process for it.
  if (mongo?.pid()) mongo.signal('SIGCONT');
  await stack?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
  await mongo?.stop();
}, 60_000);

describe('worker killed with SIGKILL', () => {
  it('in the middle of batches under load, twice: every redirected click is stored once and counted once', async () => {
    const startedAt = Date.now();
    await startWorker();
    const kills: Array<{ at: number; active: number; stored: number }> = [];
    const killAndRestart = async (at: number) => {
      const w = workers.at(-1)!;
      // A batch is stored within milliseconds, so a worker seen idle between two is the usual case. With the
      // database frozen, a batch the worker takes stays in its hands: the kill lands inside it whenever there is
      // a backlog (a few seconds at most to see one taken; none may be left by the second kill).
      const freeze = mongo.pid() !== null;
      if (freeze) mongo.signal('SIGSTOP');
      const activeJobs = async () => (await ctx.queues.clicks.getJobCounts('active')).active ?? 0;
      let active: number;
      try {
        const deadline = Date.now() + 5_000;
        while ((active = await activeJobs()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        await w.kill('SIGKILL');
      } finally {
        if (freeze) mongo.signal('SIGCONT');
      }
      kills.push({ at, active, stored: await storedCount(ctx) });
      await startWorker();
    };
    // First crash while clicks are still coming in; the second once its successor is well into the backlog.
    let first: Promise<void> | null = null;
    const load = await fireClicks(`http://127.0.0.1:${stack.api.port}/c/${offer.linkId}`, 2000, {
      concurrency: 50,
      onProgress: (done) => {
        if (done === 600) first = killAndRestart(done);
      },
    });
    await first;
    await until('the new worker to be well into the backlog', async () => (await storedCount(ctx)) >= 1000, 45_000, 50);
    await killAndRestart(2000);
    expect(load.errors).toEqual([]);
    expect(load.statuses).toEqual({ 302: 2000 });
    expect(kills).toHaveLength(2);
    await waitDrained(ctx, load.redirected.length);
    // The kills hit a working worker: it had batches in hand, and some were taken back from it.
    expect(kills.some((k) => k.active > 0)).toBe(true);
    const stalled = (await ctx.redis.xrange(`${ctx.keys.bullPrefix}:clicks:events`, '-', '+')).filter(([, f]) => f[1] === 'stalled');
    expect(stalled.length).toBeGreaterThan(0);
    await assertExactlyOnce(ctx, load.redirected, startedAt);
    console.log(JSON.stringify({ test: 'worker-crash/load', clicks: load.redirected.length, kills, stalledJobs: stalled.length, ms: Date.now() - startedAt }));
  }, 90_000);

  it('a batch taken back after a crash and then crashed on again is still stored, once', async (t) => {
    // Freezing the database needs the server process this file started; pid() is null when there is no
    // such process to signal, and then the fault cannot be injected (nothing else may be signalled).
    if (mongo.pid() === null) t.skip('no MongoDB-wire server process of this test to SIGSTOP');
    const startedAt = Date.now();
    const before = await storedCount(ctx);
    const url = `http://127.0.0.1:${stack.api.port}/c/${offer.linkId}`;
    // The database hangs (SIGSTOP): the worker takes the batch and waits inside it, before the insert.
    mongo.signal('SIGSTOP');
    const load = await fireClicks(url, 20, { concurrency: 20 });
    expect(load.statuses).toEqual({ 302: 20 });
    const [job] = await until('the batch to be in a worker’s hands', async () => {
      const active = await ctx.queues.clicks.getActive();
      return active.length ? active : null;
    });
    const jobId = job!.id!;

    for (const round of [1, 2]) {
      await workers.at(-1)!.kill('SIGKILL');
      // Hold the dead worker's lock until its successor is up (it needs the database to start).
      await ctx.redis.persist(lockKey(jobId));
      mongo.signal('SIGCONT');
      await startWorker();
      if (round === 1) mongo.signal('SIGSTOP');
      // Now the lock expires, as it would a few seconds after the crash.
      await ctx.redis.pexpire(lockKey(jobId), 1);
      if (round === 1) {
        await until('the batch to be taken back by the new worker', async () => (await stalledCount(jobId)) >= 1 && (await ctx.queues.clicks.getJobState(jobId)) === 'active');
      }
    }
    await waitDrained(ctx, before + 20);
    expect(await ctx.queues.clicks.getJobCounts('failed')).toEqual({ failed: 0 });
    const stalls = (await ctx.redis.xrange(`${ctx.keys.bullPrefix}:clicks:events`, '-', '+')).filter(([, f]) => f[1] === 'stalled' && f[3] === jobId);
    expect(stalls).toHaveLength(2);
    const stored = await storedClickIds(ctx);
    expect(stored.length).toBe(before + 20);
    expect(load.redirected.filter((id) => !stored.includes(id))).toEqual([]);
    await assertReconciled(ctx, startedAt, { clicks: before + 20 });
    console.log(JSON.stringify({ test: 'worker-crash/stalled-twice', ms: Date.now() - startedAt }));
  }, 90_000);
});
