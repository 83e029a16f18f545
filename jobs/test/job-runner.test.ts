import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '@offerly/backend/context';
import { acquireLock } from '@offerly/backend/job-runs/lock';
import { createAdmin, startTestApi } from '../../backend/test/helpers/api';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';
import type { JobDef } from '../src/job-def';
import { executeJob } from '../src/run';
import { processEnv, spawnTs, waitFor } from './helpers';

let ctx: AppContext;
let other: AppContext;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ctx = await createTestContext({}, 'jobs-a');
  // A second "process": its own connections, the same database and Redis prefix.
  other = await createTestContext({ MONGO_DB: ctx.config.MONGO_DB, REDIS_PREFIX: ctx.config.REDIS_PREFIX }, 'jobs-b');
});
afterAll(async () => {
  await other?.close();
  await destroyTestContext(ctx);
});

function probe(name: string, ms: number, calls: { n: number }): JobDef {
  return {
    name,
    summary: 'test job',
    schedule: null,
    async run() {
      calls.n += 1;
      await sleep(ms);
      return { counts: { n: calls.n } };
    },
  };
}

describe('job runner', () => {
  it('runs a scheduled slot once when two processes fire it together or late', async () => {
    const calls = { n: 0 };
    const def = probe('probe', 300, calls);
    const slot = '2026-11-25T12:00:00.000Z';
    const outcomes = await Promise.all([executeJob(ctx, def, { trigger: 'schedule', slot }), executeJob(other, def, { trigger: 'schedule', slot })]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(outcomes.find((o) => o.status === 'skipped')!.reason).toBe('locked');
    expect(calls.n).toBe(1);
    // The second process firing after the first finished: the slot is taken.
    const late = await executeJob(other, def, { trigger: 'schedule', slot });
    expect(late).toMatchObject({ status: 'skipped', reason: 'slot_taken' });
    const next = await executeJob(other, def, { trigger: 'schedule', slot: '2026-11-25T12:02:00.000Z' });
    expect(next.status).toBe('succeeded');
    expect(calls.n).toBe(2);
    const runs = await ctx.models.JobRun.find({ job: 'probe' }).sort({ startedAt: 1 }).lean();
    expect(runs.map((r) => [r.slot, r.status, r.trigger, r.counts])).toEqual([
      [slot, 'succeeded', 'schedule', { n: 1 }],
      ['2026-11-25T12:02:00.000Z', 'succeeded', 'schedule', { n: 2 }],
    ]);
  });

  it('keeps its lock while a run outlasts the lock TTL, and releases only its own lock', async () => {
    const key = ctx.keys.jobLock('renewal');
    const lock = (await acquireLock(ctx.redis, key, 150))!;
    await sleep(500);
    expect(await acquireLock(other.redis, key, 150)).toBeNull();
    expect(lock.signal.aborted).toBe(false);
    // Someone deletes the key (expiry under a stall) and another process takes it.
    await ctx.redis.del(key);
    const theirs = (await acquireLock(other.redis, key, 5000))!;
    await lock.release();
    expect(await ctx.redis.get(key)).toBe(theirs.token);
    await theirs.release();
    expect(await ctx.redis.get(key)).toBeNull();

    const lost = (await acquireLock(ctx.redis, key, 150))!;
    await ctx.redis.set(key, 'someone-else');
    await waitFor('lost-lock signal', () => lost.signal.aborted);
    await lost.release();
    expect(await ctx.redis.get(key)).toBe('someone-else');
    await ctx.redis.del(key);
  });

  it('records a failing run with its error and lists runs for admins', async () => {
    const def: JobDef = { name: 'broken', summary: 'fails', schedule: null, run: async () => { throw new Error('disk on fire'); } };
    const outcome = await executeJob(ctx, def, { trigger: 'cli' });
    expect(outcome.status).toBe('failed');
    expect(outcome.run).toMatchObject({ status: 'failed', error: 'disk on fire' });
    const api = await startTestApi(ctx);
    try {
      const admin = await createAdmin(ctx, api.url);
      const res = await admin.client.get('/api/admin/job-runs?job=broken');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 1, items: [{ job: 'broken', trigger: 'cli', status: 'failed', error: 'disk on fire' }] });
      expect(res.body.items[0].finishedAt).toBeTruthy();
      const all = await admin.client.get('/api/admin/job-runs?status=succeeded');
      expect(all.body.items.every((r: any) => r.job === 'probe')).toBe(true);
      expect((await admin.client.get('/api/admin/job-runs?job=Bad%20Name')).status).toBe(400);
    } finally {
      await api.close();
    }
  });

  it('keeps a run that lost its lock marked abandoned, not succeeded, when it finishes late', async () => {
    const calls = { n: 0 };
    let takeover: Awaited<ReturnType<typeof executeJob>> | null = null;
    const stalled: JobDef = {
      name: 'stalled',
      summary: 'loses its lock midway',
      schedule: null,
      async run() {
        // The lock expires during a stall and another process takes the job over.
        await ctx.redis.del(ctx.keys.jobLock('stalled'));
        takeover = await executeJob(other, probe('stalled', 0, calls), { trigger: 'cli' });
        return { counts: { late: 1 } };
      },
    };
    const outcome = await executeJob(ctx, stalled, { trigger: 'cli' });
    expect(takeover).toMatchObject({ status: 'succeeded', run: { status: 'succeeded', counts: { n: 1 } } });
    expect(outcome).toMatchObject({ status: 'failed', run: { status: 'failed', error: 'abandoned: its process stopped or lost the lock', counts: {} } });
    const runs = await ctx.models.JobRun.find({ job: 'stalled' }).sort({ startedAt: 1, _id: 1 }).lean();
    expect(runs.map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
    expect(runs.find((r) => r.status === 'failed')!._id).toBe(outcome.run!._id);
  });

  it('two real job processes with the same schedule run each slot once', async () => {
    const never = '0 0 1 1 *';
    const env = processEnv(ctx, {
      LOG_LEVEL: 'debug',
      CRON_ROLLUP_HOURLY: '* * * * * *', // every second
      CRON_AUTO_APPROVE: never,
      CRON_PAYOUTS: never,
      CRON_RETENTION: never,
    });
    const procs = [spawnTs('jobs/src/main.ts', [], env), spawnTs('jobs/src/main.ts', [], env)];
    try {
      await waitFor('both schedulers', () => procs.every((p) => p.output().includes('jobs scheduled')), 60_000);
      const since = new Date();
      await waitFor('three scheduled runs while both run', async () => (await ctx.models.JobRun.countDocuments({ job: 'rollup-hourly', startedAt: { $gte: since } })) >= 3, 60_000);
      await waitFor('a skipped tick', () => procs.some((p) => p.output().includes('job skipped')), 30_000);
    } finally {
      for (const p of procs) p.proc.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
    }
    const runs = await ctx.models.JobRun.find({ job: 'rollup-hourly' }).lean();
    const slots = runs.map((r) => r.slot);
    expect(new Set(slots).size).toBe(runs.length);
    expect(runs.every((r) => r.status === 'succeeded' && r.trigger === 'schedule')).toBe(true);
    expect(new Set(runs.map((r) => r.host)).size).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
