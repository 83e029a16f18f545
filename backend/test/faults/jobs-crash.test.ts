import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { payoutClaims } from '../../src/db/payout-claims';
import { DAY_MS, dayStart, HOUR_MS, hoursBetween } from '../../src/domain/time-buckets';
import type { ApiServer } from '../../src/http/server';
import { reconcile } from '../../src/reconcile/reconcile';
import { rollHours } from '../../src/rollups/hourly';
import { startWorkers } from '../../src/workers';
import { createAdmin, startTestApi } from '../helpers/api';
import { insertClick } from '../helpers/postbacks';
import { createOffer } from '../helpers/tracking';
import { assertReconciled, faultContext, spawnProcess, until, type Child, type FaultEnv } from './helpers';
import { firePostbacks, salesFor, targetOf, waitConversions, type PostbackTarget } from './postback-load';

/**
 * The jobs process (`npm run jobs -- <job>`) SIGKILLed in the middle of the
 * rollup backfill and of a payout run, then run again: the result is the
 * same as a clean run. The kill lands at a known step through a test-only
 * pause point (backend/src/fault-points.ts: with NODE_ENV=test and
 * OFFERLY_FAULT_PAUSE=<point>#<n> the process stops there, says so on stderr
 * and waits to be killed). A killed run keeps its Redis lock until the lock's
 * TTL (60 s) runs out; the test lets it expire at once, as it would a minute
 * after the crash.
 *
 * Data: three affiliates on three campaigns, clicks on each of the last three
 * UTC days, and eight approved conversions each (made by postbacks through a
 * conversion worker in this process).
 *
 * A payout run also holds the lock of the payout it is building (so no other
 * run resumes it meanwhile); a killed run's payout lock is let expire the same
 * way, and the next run finishes that payout.
 */
const PAYOUT_CENTS = 700;
const CONVERSIONS_EACH = 8;
let ctx: AppContext;
let fault: FaultEnv;
let api: ApiServer;
let stopWorkers: () => Promise<void>;
const targets: PostbackTarget[] = [];
const children: Child[] = [];
const today = dayStart(Date.now());
const from = today - 2 * DAY_MS;
const to = today + DAY_MS;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  ({ ctx, fault } = await faultContext({ env: { PAYOUT_HOLD_DAYS: '0', PAYOUT_MIN_CENTS: '0' } }));
  api = await startTestApi(ctx);
  stopWorkers = await startWorkers(ctx, ['conversions']);
  const admin = await createAdmin(ctx, api.url);
  for (let a = 0; a < 3; a++) {
    const t = targetOf(await createOffer(ctx, api.url, { name: `Jobs ${a}` }, { admin }));
    targets.push(t);
    const c = { id: t.campaignId, advertiserId: t.advertiserId, currency: t.currency, linkId: t.linkId, affiliateId: t.affiliateId };
    // Clicks spread over the hours of the last three days (of today only the hours that have passed).
    const times: number[] = [];
    for (let d = 0; d < 3; d++) for (let k = 0; k < 20; k++) times.push(Math.min(from + d * DAY_MS + ((k * 7 + a) % 24) * HOUR_MS + k * 60_000, Date.now() - 60_000));
    for (let i = 0; i < times.length; i += 20) await Promise.all(times.slice(i, i + 20).map((ts, k) => insertClick(ctx, c, { ts, sub1: `s${(i + k) % 3}` })));
    const sales = await salesFor(ctx, t, CONVERSIONS_EACH, `jobs${a}`, Math.max(from, Date.now() - 30 * 60_000));
    const load = await firePostbacks(api.url, t.token, sales, { concurrency: 8 });
    expect(load.errors).toEqual([]);
    await waitConversions(ctx, t.campaignId, CONVERSIONS_EACH);
  }
}, 120_000);

afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await stopWorkers?.();
  await api?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
}, 60_000);

/** `npm run jobs -- <args>` as a child process; `pauseAt` makes it stop at a fault point. */
function jobs(args: string[], pauseAt?: string): Child {
  const c = spawnProcess('jobs/src/main.ts', fault, pauseAt ? { OFFERLY_FAULT_PAUSE: pauseAt } : {}, args);
  children.push(c);
  return c;
}

/** Runs it to the fault point, checks it is there, and SIGKILLs it. */
async function killAt(args: string[], point: string): Promise<void> {
  const c = jobs(args, point);
  const name = point.split('#')[0]!;
  await until(`the jobs process to reach ${point}`, () => {
    if (!c.alive()) throw new Error(`the jobs process ended before ${point}:\n${c.output().slice(-2000)}`);
    return c.output().includes(`fault point ${name} reached`);
  }, 60_000, 50);
  await c.kill('SIGKILL');
}

/** Runs it to the end; returns the run's summary line. */
async function runToEnd(args: string[]): Promise<{ status: string; counts: Record<string, number> }> {
  const c = jobs(args);
  const { code } = await c.exited;
  const line = c.output().split('\n').find((l) => l.startsWith('{"job"'));
  if (code !== 0 || !line) throw new Error(`jobs ${args.join(' ')} exited ${code}:\n${c.output().slice(-2000)}`);
  return JSON.parse(line) as { status: string; counts: Record<string, number> };
}

/** The killed run's lock outlives it by its TTL; it is let expire now, as it would within a minute. */
async function expireLock(lock: string): Promise<void> {
  const key = ctx.keys.jobLock(lock);
  expect(await ctx.redis.pttl(key), `the killed run still holds ${lock}`).toBeGreaterThan(0);
  await ctx.redis.del(key);
}

const ROLLUP_OUTPUT = ['stats_hourly', 'rollup_hour_rows', 'rollup_hour_dims', 'report_days', 'report_months', 'report_manifests'];

/** Everything the rollup wrote, in a form that does not depend on write order. */
async function rollupOutput(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of ROLLUP_OUTPUT) {
    const docs = await ctx.db.collection<Record<string, unknown> & { _id: string }>(name).find({}).toArray();
    out[name] = docs
      .map((d) => {
        // Parallel lists of ids (or scopes) and signatures: compared as sets of pairs.
        const ids = (d.ids ?? d.scopes) as string[] | undefined;
        if (Array.isArray(ids) && Array.isArray(d.sigs)) {
          const sigs = d.sigs as string[];
          return { ...d, ids: undefined, scopes: undefined, sigs: undefined, pairs: ids.map((id, i) => `${id} ${sigs[i]}`).sort() };
        }
        return d;
      })
      .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  }
  const rolled = await ctx.db.collection<{ _id: string; rows: number }>('rollup_hours').find({}, { projection: { rows: 1 } }).toArray();
  out.rollup_hours = rolled.sort((a, b) => (a._id < b._id ? -1 : 1));
  return out;
}

describe('jobs process SIGKILLed mid-run, then run again', () => {
  it('rollup backfill killed in the middle of its second day: the re-run leaves what a clean run leaves, and reconciles', async () => {
    const args = ['rollup', '--from', iso(from), '--to', iso(to)];
    await killAt(args, 'rollup:day-rows-written#2');
    const killedRun = await ctx.models.JobRun.findOne({ job: 'rollup', status: 'running' }).lean();
    expect(killedRun, 'the killed run is recorded as running').not.toBeNull();
    await expireLock('rollup-hourly');
    const rerun = await runToEnd(args);
    expect(rerun.status).toBe('succeeded');
    expect(rerun.counts.hours).toBe(72);
    // The killed run is no longer shown as running.
    expect(await ctx.models.JobRun.findById(killedRun!._id).lean()).toMatchObject({ status: 'failed', error: expect.stringMatching(/abandoned/) });

    const clicks = targets.length * 60 + targets.length * CONVERSIONS_EACH;
    expect(rerun.counts.clicks).toBe(clicks);
    const report = await reconcile(ctx, { fromMs: from, toMs: to, nowMs: to + 2 * HOUR_MS });
    expect(report.skipped.dirtyHours).toEqual([]);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    const afterCrash = await rollupOutput();
    expect(afterCrash.stats_hourly!.length).toBeGreaterThan(0);

    // A clean run over the same events, from nothing.
    for (const name of [...ROLLUP_OUTPUT, 'rollup_hours', 'rollup_frontier']) await ctx.db.collection(name).deleteMany({});
    const clean = await rollHours(ctx, hoursBetween(from, to), { force: true });
    expect(clean.clicks).toBe(clicks);
    expect(await rollupOutput()).toEqual(afterCrash);
    console.log(JSON.stringify({ test: 'jobs-crash/rollup', rows: afterCrash.stats_hourly!.length, reportDays: afterCrash.report_days!.length, counts: rerun.counts }));
  }, 120_000);

  it('payout run killed after claiming and again after writing lines: one payout per affiliate, each conversion paid once', async () => {
    const convs = await ctx.models.Conversion.find({ campaignId: { $in: targets.map((t) => t.campaignId) } }, { _id: 1, affiliateId: 1, status: 1, payoutCents: 1 }).lean();
    expect(convs.length).toBe(targets.length * CONVERSIONS_EACH);
    expect(convs.every((c) => c.status === 'approved' && c.payoutCents === PAYOUT_CENTS)).toBe(true);
    const mine = { affiliateId: { $in: targets.map((t) => t.affiliateId) } };

    // 1. Killed while building its second payout: the first is complete, the second holds its conversions, no lines.
    await killAt(['payouts'], 'payouts:claimed#2');
    const afterFirstKill = await ctx.models.Payout.find(mine, { status: 1 }).lean();
    expect(afterFirstKill.map((p) => p.status).sort()).toEqual(['building', 'pending_approval']);
    await expireLock('payouts');
    await expireLock(`payout:${afterFirstKill.find((p) => p.status === 'building')!._id}`);
    // 2. The next run resumes that payout and is killed after writing its lines, before completing it.
    await killAt(['payouts'], 'payouts:lines-written#1');
    const building = await ctx.models.Payout.findOne({ ...mine, status: 'building' }).lean();
    expect(building).not.toBeNull();
    expect(await ctx.models.PayoutLine.countDocuments({ payoutId: building!._id })).toBe(CONVERSIONS_EACH);
    await expireLock('payouts');
    await expireLock(`payout:${building!._id}`);
    // 3. Run to the end, then once more: nothing left.
    const third = await runToEnd(['payouts']);
    expect(third.counts).toMatchObject({ resumed: 1, payouts: 2, conversions: 2 * CONVERSIONS_EACH });
    const fourth = await runToEnd(['payouts']);
    expect(fourth.counts).toMatchObject({ resumed: 0, payouts: 0, conversions: 0 });

    // What a clean run makes: one payout per affiliate, awaiting approval, with each of its conversions once.
    const payouts = await ctx.models.Payout.find(mine).lean();
    expect(payouts.map((p) => p.affiliateId).sort()).toEqual(targets.map((t) => t.affiliateId).sort());
    for (const p of payouts) {
      expect(p).toMatchObject({ status: 'pending_approval', amountCents: CONVERSIONS_EACH * PAYOUT_CENTS, conversionCount: CONVERSIONS_EACH, currency: 'USD' });
      const lines = await ctx.models.PayoutLine.find({ payoutId: p._id }).lean();
      const expected = convs.filter((c) => c.affiliateId === p.affiliateId).map((c) => c._id).sort();
      expect(lines.map((l) => l.conversionId).sort()).toEqual(expected);
      expect(lines.reduce((a, l) => a + l.amountCents, 0)).toBe(p.amountCents);
      expect((await payoutClaims(ctx.db).find({ payoutId: p._id }).toArray()).map((c) => c._id).sort()).toEqual(expected);
      expect(p.history.filter((h) => h.to === 'pending_approval')).toHaveLength(1);
    }
    const paid = await ctx.models.Conversion.find({ _id: { $in: convs.map((c) => c._id) } }, { payoutId: 1, affiliateId: 1 }).lean();
    const payoutOf = new Map(payouts.map((p) => [p.affiliateId, p._id]));
    expect(paid.filter((c) => c.payoutId !== payoutOf.get(c.affiliateId))).toEqual([]);
    // Three payout runs recorded as killed or finished, none left running.
    expect(await ctx.models.JobRun.countDocuments({ job: 'payouts', status: 'running' })).toBe(0);

    const report = await assertReconciled(ctx, from + HOUR_MS);
    expect(report.checked.payouts).toBe(targets.length);
    console.log(JSON.stringify({ test: 'jobs-crash/payouts', payouts: payouts.length, third: third.counts, fourth: fourth.counts }));
  }, 120_000);
});
