import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { AppContext } from '../../backend/src/context';
import { clickPartition, listClickPartitions } from '../../backend/src/db/raw-events';
import { dayStart } from '../../backend/src/domain/time-buckets';
import { PLATFORM_ID, readLive } from '../../backend/src/realtime/live-counters';
import { REPO_ROOT } from '../../backend/src/services/paths';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';

/**
 * `npm run seed` end to end: the CLI (seed/src/main.ts) as its own process on
 * the test services, with this file's database and Redis prefix, at a tiny
 * volume; then a re-run without --reset, then --reset.
 */
let ctx: AppContext;
beforeAll(async () => { ctx = await createTestContext(); });
afterAll(async () => { await destroyTestContext(ctx); });

function seedCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    MONGO_URL: inject('mongoUrl'),
    REDIS_URL: inject('redisUrl'),
    MONGO_DB: ctx.config.MONGO_DB,
    REDIS_PREFIX: ctx.keys.prefix,
    DATA_DIR: ctx.config.DATA_DIR,
    // The default hold is longer than the two seeded days: the seed still makes its run at the window end.
    PAYOUT_HOLD_DAYS: '7',
  };
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'seed/src/main.ts'), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, out }));
  });
}

/** What the seed leaves behind, counted: every collection it writes and the live counters of today. */
async function snapshot(): Promise<{ clicks: number; clicksToday: number; liveToday: number } & Record<string, number>> {
  let clicks = 0;
  let clicksToday = 0;
  for (const day of await listClickPartitions(ctx.db)) {
    const col = await clickPartition(ctx.db, day);
    clicks += await col.countDocuments();
    clicksToday += await col.countDocuments({ ts: { $gte: new Date(dayStart(Date.now())) } });
  }
  const count = (name: string) => ctx.db.collection(name).countDocuments();
  const live = await readLive(ctx.redis, ctx.keys, 'platform', PLATFORM_ID);
  const collections = ['users', 'campaigns', 'links', 'conversions', 'postbacks', 'payouts', 'payout_lines', 'job_runs', 'stats_hourly', 'report_days', 'report_months', 'conversion_hours', 'campaign_counters'];
  const counts: Record<string, number> = Object.fromEntries(await Promise.all(collections.map(async (c) => [c, await count(c)] as const)));
  return { clicks, clicksToday, liveToday: live.today.clicks, ...counts };
}

describe('npm run seed', () => {
  it('seeds a tiny history, adds nothing on a re-run, and starts over with --reset', async () => {
    const first = await seedCli(['--clicks', '2000', '--days', '2']);
    expect(first.out).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/\[seed\] payouts: 1 weekly runs \(1 made now\)/);
    const seeded = await snapshot();
    expect(Math.abs(seeded.clicks - 2000)).toBeLessThanOrEqual(2);
    expect(seeded).toMatchObject({ users: 16, campaigns: 8 });
    expect(seeded.conversions).toBeGreaterThan(0);
    expect(seeded.stats_hourly).toBeGreaterThan(0);
    // One rollup and the payout run at the window end.
    expect(seeded.job_runs).toBe(2);
    expect(seeded.liveToday).toBe(seeded.clicksToday);

    const again = await seedCli(['--clicks', '2000', '--days', '2']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/rolled up by an earlier run/);
    expect(again.out).toMatch(/\[seed\] payouts: 1 weekly runs \(0 made now\), 0 new payouts/);
    expect(await snapshot()).toEqual(seeded);

    // Left by anything but the seed: --reset drops it with the rest.
    await ctx.db.collection('leftover').insertOne({ note: 'from before the reset' });
    await ctx.redis.set(`${ctx.keys.prefix}:leftover`, '1');
    const reset = await seedCli(['--clicks', '2000', '--days', '2', '--reset']);
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/--reset: dropping the database and Redis keys/);
    expect(await ctx.db.collection('leftover').countDocuments()).toBe(0);
    expect(await ctx.redis.exists(`${ctx.keys.prefix}:leftover`)).toBe(0);
    const fresh = await snapshot();
    expect(Math.abs(fresh.clicks - 2000)).toBeLessThanOrEqual(2);
    expect(fresh).toMatchObject({ users: 16, campaigns: 8, job_runs: 2 });
    expect(fresh.liveToday).toBe(fresh.clicksToday);
  }, 180_000);
});
