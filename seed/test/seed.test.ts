import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../backend/src/context';
import { listClickPartitions, clickPartition, partitionDay } from '../../backend/src/db/raw-events';
import { dayStart, hourStart, minuteStart } from '../../backend/src/domain/time-buckets';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';
import { userIdByEmail } from '../../backend/src/accounts/email-keys';
import { verifyPassword } from '../../backend/src/auth/passwords';
import { applyFinalStatuses, seedNetwork } from '../src/accounts';
import { ADVERTISERS, AFFILIATES, DEMO_PASSWORD } from '../src/catalog';
import { rebuildCampaignCounters } from '../../backend/src/reconcile/campaign-counters';
import { writeHistory } from '../src/history';
import { LiveTally, rebuildLiveCounters } from '../src/live';
import { payoutRunDates, rollUpHistory, runHistoricalPayouts } from '../src/wrap-up';
import { updatePlatformSettings } from '../../backend/src/settings/update-settings';
import { statsHourly } from '../../backend/src/db/models/stats';
import { acquireLock } from '../../backend/src/job-runs/lock';
import { runJob } from '../../backend/src/job-runs/run-job';
import { runPayouts } from '../../backend/src/payouts/run';
import { transitionPayout } from '../../backend/src/payouts/transitions';
import { PLATFORM_ID, readLive } from '../../backend/src/realtime/live-counters';
import { reconcile } from '../../backend/src/reconcile/reconcile';

let ctx: AppContext;
beforeAll(async () => { ctx = await createTestContext(); });
afterAll(async () => { await destroyTestContext(ctx); });

async function countClicks(): Promise<number> {
  let n = 0;
  for (const day of await listClickPartitions(ctx.db)) n += await (await clickPartition(ctx.db, day)).countDocuments();
  return n;
}

const DAY = 86_400_000;

describe('seed', () => {
  it('writes a realistic history once; re-running inserts nothing twice and counts nothing live twice', async () => {
    const now = Date.now();
    const windowEnd = hourStart(now);
    const run = async () => {
      const net = await seedNetwork(ctx, new Date(windowEnd - 4 * DAY));
      const live = new LiveTally(now);
      const counts = await writeHistory(ctx, net, { clicks: 6000, days: 3, windowEnd, seed: 7, done: new Set(), live, onProgress: () => {}, onDayDone: async () => {} });
      await rebuildCampaignCounters(ctx, { clickSpend: counts.clickSpend });
      await applyFinalStatuses(ctx, net);
      const counted = await rebuildLiveCounters(ctx, live.events());
      return { net, counts, counted };
    };
    // As after `npm start` on an empty database: the accounts' email keys were backfilled (nothing to key) before the seed ran.
    expect(await userIdByEmail(ctx.db, 'nobody@example.com')).toBeNull();
    const { net, counts: first, counted } = await run();
    expect(first.clicks).toBeGreaterThan(5900);
    // Every demo account is found by its email (sign-in reads the email key by _id); the demo password is hashed once, for all.
    const ids = await Promise.all([net.adminEmail, ...[...ADVERTISERS, ...AFFILIATES].map((a) => a.email)].map((e) => userIdByEmail(ctx.db, e)));
    expect(ids).toEqual([expect.any(String), ...net.advertisers.values(), ...net.affiliates.map((a) => a.id)]);
    const demoHashes = new Set((await ctx.models.User.find({ role: { $ne: 'admin' } }, { passwordHash: 1 }).lean()).map((u) => u.passwordHash));
    expect(demoHashes.size).toBe(1);
    expect(await verifyPassword([...demoHashes][0]!, DEMO_PASSWORD)).toBe(true);
    expect(await countClicks()).toBe(first.clicks);
    const conversions = await ctx.models.Conversion.countDocuments();
    expect(conversions).toBe(first.conversions);

    // Live counters: what the dashboard reads (today, the last 60 minutes) equals the seeded events of that time.
    const today = dayStart(now);
    const lastHour = minuteStart(now) - 59 * 60_000;
    const liveMatchesStored = async () => {
      const clicks: Array<{ ts: Date; campaignId: string; affiliateId: string; unique: number }> = [];
      for (const day of await listClickPartitions(ctx.db)) {
        clicks.push(...(await (await clickPartition(ctx.db, day)).find({}, { projection: { ts: 1, campaignId: 1, affiliateId: 1, unique: 1 } }).toArray()));
      }
      const since = (t: number, f: (c: (typeof clicks)[number]) => boolean = () => true) => clicks.filter((c) => c.ts.getTime() >= t && f(c)).length;
      const platform = await readLive(ctx.redis, ctx.keys, 'platform', PLATFORM_ID, now);
      expect(platform.today.clicks).toBe(since(today));
      expect(platform.today.uniqueClicks).toBe(since(today, (c) => c.unique === 1));
      expect(platform.today.conversions).toBe(await ctx.models.Conversion.countDocuments({ convertedAt: { $gte: new Date(today) }, status: { $ne: 'rejected' } }));
      expect(platform.minutes.reduce((n, m) => n + m.clicks, 0)).toBe(since(lastHour));
      const top = net.campaigns[0]!.doc;
      const campaign = await readLive(ctx.redis, ctx.keys, 'campaign', top._id, now);
      expect(campaign.today.clicks).toBe(since(today, (c) => c.campaignId === top._id));
      const aff = net.affiliates[0]!.id;
      const affiliate = await readLive(ctx.redis, ctx.keys, 'affiliate', aff, now);
      expect(affiliate.today.clicks).toBe(since(today, (c) => c.affiliateId === aff));
      return { platform, window: since(Math.min(today, lastHour)) };
    };
    const before = await liveMatchesStored();
    expect(counted.clicks).toBe(before.window);
    // Nothing to show only in the first hour of a UTC day: the window ends at the last full hour.
    if (now - today >= 3_600_000) expect(before.platform.today.clicks).toBeGreaterThan(0);

    const { counts: second, counted: again } = await run();
    expect(second).toEqual(first);
    expect(again).toMatchObject({ hours: 0, clicks: 0, conversions: 0, alreadyCounted: counted.hours });
    expect(await liveMatchesStored()).toEqual(before);
    expect(await countClicks()).toBe(first.clicks);
    expect(await ctx.models.Conversion.countDocuments()).toBe(conversions);
    expect(await ctx.models.User.countDocuments()).toBe(16);
    expect(await ctx.models.Campaign.countDocuments()).toBe(8);

    // The per-affiliate payout override applies to the whole history, from the first run on.
    const top = net.campaigns[0]!.doc;
    const override = top.overrides[0]!;
    expect(override.payoutCents).toBe(3000);
    const overridden = await ctx.models.Conversion.find({ campaignId: top._id, affiliateId: override.affiliateId }, { payoutCents: 1 }).lean();
    expect(overridden.length).toBeGreaterThan(0);
    expect(new Set(overridden.map((c) => c.payoutCents))).toEqual(new Set([3000]));
    const others = await ctx.models.Conversion.find({ campaignId: top._id, affiliateId: { $ne: override.affiliateId } }, { payoutCents: 1 }).lean();
    expect(others.length).toBeGreaterThan(0);
    expect(new Set(others.map((c) => c.payoutCents))).toEqual(new Set([top.payoutCents]));

    const statuses = await ctx.models.Conversion.distinct('status');
    expect(statuses.sort()).toEqual(['approved', 'pending', 'rejected']);
    const models = await ctx.models.Campaign.distinct('payoutModel');
    expect(models.sort()).toEqual(['CPA', 'CPC', 'CPL', 'CPS']);
    const parts = await listClickPartitions(ctx.db);
    const lastDay = parts.filter((k) => partitionDay(k) === partitionDay(parts.at(-1)!));
    const reasons = new Set<string | null>();
    let repeats = 0;
    for (const key of lastDay) {
      for (const r of await (await clickPartition(ctx.db, key)).distinct('reason')) reasons.add(r as string | null);
      repeats += await (await clickPartition(ctx.db, key)).countDocuments({ unique: 0 });
    }
    expect([...reasons]).toEqual(expect.arrayContaining([null, 'bot', 'campaign_paused']));
    expect(repeats).toBeGreaterThan(0);
    expect(await ctx.models.User.countDocuments({ status: 'suspended' })).toBe(1);
    expect(await ctx.models.Campaign.countDocuments({ status: 'paused' })).toBe(1);
    // No conversion before its click, none after the window.
    const bad = await ctx.models.Conversion.countDocuments({ convertedAt: { $gte: new Date(windowEnd) } });
    expect(bad).toBe(0);
    // Cap counters match the conversions that hold a place; budgets also count the CPC clicks' spend.
    const held = await ctx.models.Conversion.countDocuments({ capHeld: true });
    const totals = await ctx.models.CampaignCounter.find({ day: 'total' }).lean();
    expect(totals.reduce((n, t) => n + t.conversions, 0)).toBe(held);
    const heldSpend = (await ctx.models.Conversion.find({ capHeld: true }, { revenueCents: 1 }).lean()).reduce((n, c) => n + c.revenueCents, 0);
    expect(heldSpend).toBeGreaterThan(0);
    let clickSpend = 0;
    for (const d of await listClickPartitions(ctx.db)) {
      for (const c of await (await clickPartition(ctx.db, d)).find({ revenueCents: { $gt: 0 } }, { projection: { revenueCents: 1 } }).toArray()) clickSpend += c.revenueCents;
    }
    expect(clickSpend).toBeGreaterThan(0);
    expect(totals.reduce((n, t) => n + t.spendCents, 0)).toBe(heldSpend + clickSpend);
  }, 120_000);
});

describe('seed wrap-up', () => {
  let wctx: AppContext;
  beforeAll(async () => { wctx = await createTestContext({ PAYOUT_HOLD_DAYS: '0', PAYOUT_MIN_CENTS: '0' }); });
  afterAll(async () => { await destroyTestContext(wctx); });

  it('rolls the window up and makes weekly payout runs in every review state; re-running changes nothing', async () => {
    const windowEnd = hourStart(Date.now());
    const windowStart = windowEnd - 15 * 86_400_000;
    const net = await seedNetwork(wctx, new Date(windowStart - 3_600_000));
    const counts = await writeHistory(wctx, net, { clicks: 3000, days: 15, windowEnd, seed: 11, done: new Set(), onProgress: () => {}, onDayDone: async () => {} });
    await rebuildCampaignCounters(wctx, { clickSpend: counts.clickSpend });
    await applyFinalStatuses(wctx, net);
    const admin = (await wctx.models.User.findOne({ role: 'admin' }).lean())!;

    const wrapUp = async () => {
      const rolled = await rollUpHistory(wctx, windowStart, windowEnd, { onProgress: () => {} });
      const payouts = await runHistoricalPayouts(wctx, admin._id, windowStart, windowEnd);
      return { rolled, payouts };
    };
    const first = await wrapUp();
    expect(first.rolled.hours).toBe(15 * 24);
    expect(first.payouts).toMatchObject({ runs: 3, newRuns: 3 });
    const rows = await statsHourly(wctx.db).find({}).toArray();
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(counts.clicks);
    const report = await reconcile(wctx, { fromMs: windowStart, toMs: windowEnd });
    expect(report.differences).toEqual([]);
    expect(report.checked.payouts).toBe(first.payouts.payouts);
    // CPC clicks are settled by whole rolled-up UTC days: the window's 14 whole days (15 when it starts at midnight).
    expect(report.checked.clickDays).toBe(windowStart === dayStart(windowStart) ? 15 : 14);
    expect(first.payouts.clickEarnings).toBeGreaterThan(0);
    expect(first.payouts.clickEarnings).toBe(await wctx.models.ClickEarning.countDocuments({ payoutId: { $ne: null } }));

    const statuses = await payoutsByStatus(wctx);
    expect(statuses.pending_approval).toBeGreaterThan(0);
    expect(statuses.approved).toBeGreaterThan(0);
    expect(statuses.paid).toBeGreaterThan(0);
    expect(statuses.rejected).toBe(0);
    const approvedConversions = await wctx.models.Conversion.countDocuments({ status: 'approved' });
    expect(first.payouts.conversions).toBe(await wctx.models.Conversion.countDocuments({ payoutId: { $ne: null } }));
    expect(first.payouts.conversions).toBeLessThanOrEqual(approvedConversions);
    const jobRuns = await wctx.models.JobRun.countDocuments();
    expect(await wctx.models.JobRun.countDocuments({ job: 'payouts' })).toBe(3);

    // A re-run (the rollup re-rolled, as when history was written) makes no payout run again and reviews nothing twice.
    const second = await wrapUp();
    expect(second.payouts).toEqual({ runs: 3, newRuns: 0, payouts: 0, conversions: 0, clickEarnings: 0, reviewed: 0 });
    expect(await payoutsByStatus(wctx)).toEqual(statuses);
    expect((await statsHourly(wctx.db).find({}).toArray()).reduce((n, r) => n + r.clicks, 0)).toBe(counts.clicks);
    expect(await wctx.models.JobRun.countDocuments()).toBe(jobRuns + 1);

    // A re-run that wrote no history keeps the rollup of the window: no new job run at all.
    const reused = await rollUpHistory(wctx, windowStart, windowEnd, { onProgress: () => {}, reuseDone: true });
    expect(reused).toMatchObject({ reused: true, hours: 15 * 24 });
    expect(await wctx.models.JobRun.countDocuments()).toBe(jobRuns + 1);
  }, 240_000);
});

async function payoutsByStatus(on: AppContext): Promise<Record<string, number>> {
  return Object.fromEntries(
    await Promise.all((['building', 'pending_approval', 'approved', 'paid', 'rejected'] as const).map(async (s) => [s, await on.models.Payout.countDocuments({ status: s })])),
  );
}

describe('seed payout runs', () => {
  it('always makes a run at the window end, then one a week back while past the hold period', () => {
    const end = Date.UTC(2026, 10, 25, 10);
    expect(payoutRunDates(end - 2 * DAY, end, 7)).toEqual([end]);
    expect(payoutRunDates(end - 7 * DAY, end, 7)).toEqual([end]);
    expect(payoutRunDates(end - 15 * DAY, end, 0)).toEqual([end - 14 * DAY, end - 7 * DAY, end]);
    expect(payoutRunDates(end - 30 * DAY, end, 7)).toEqual([end - 21 * DAY, end - 14 * DAY, end - 7 * DAY, end]);
  });

  let pctx: AppContext;
  beforeAll(async () => { pctx = await createTestContext({ PAYOUT_HOLD_DAYS: '0', PAYOUT_MIN_CENTS: '0' }); });
  afterAll(async () => { await destroyTestContext(pctx); });

  it('resumes after an interruption: runs made before are not made again, an approved payout is still marked paid', async () => {
    const windowEnd = hourStart(Date.now());
    const windowStart = windowEnd - 15 * DAY;
    const net = await seedNetwork(pctx, new Date(windowStart - 3_600_000));
    await writeHistory(pctx, net, { clicks: 1500, days: 15, windowEnd, seed: 5, done: new Set(), onProgress: () => {}, onDayDone: async () => {} });
    const admin = (await pctx.models.User.findOne({ role: 'admin' }).lean())!;
    const dates = payoutRunDates(windowStart, windowEnd, 0);
    expect(dates).toHaveLength(3);

    // What an interrupted seed left: the oldest run made and its payouts approved, none marked paid yet.
    const oldest = await runJob(pctx, { job: 'payouts', trigger: 'cli', windowTo: new Date(dates[0]!) }, async (ctl) => ({
      counts: { ...(await runPayouts(pctx, { runId: ctl.runId, nowMs: dates[0]!, by: 'system' })) },
    }));
    expect(oldest.status).toBe('succeeded');
    const interrupted = await pctx.models.Payout.find({ runId: oldest.run!._id }).lean();
    expect(interrupted.length).toBeGreaterThan(0);
    for (const p of interrupted) await transitionPayout(pctx, p._id, 'approve', admin._id, { note: 'before the interruption' });

    const resumed = await runHistoricalPayouts(pctx, admin._id, windowStart, windowEnd);
    expect(resumed).toMatchObject({ runs: 3, newRuns: 2 });
    expect(await pctx.models.JobRun.countDocuments({ job: 'payouts' })).toBe(3);
    for (const p of await pctx.models.Payout.find({ runId: oldest.run!._id }).lean()) {
      expect(p.status).toBe('paid');
      expect(p.history.map((h) => h.to)).toEqual(['pending_approval', 'approved', 'paid']);
    }
    const statuses = await payoutsByStatus(pctx);
    expect(statuses).toMatchObject({ building: 0, rejected: 0 });
    expect(statuses.pending_approval).toBeGreaterThan(0);
    expect(statuses.approved).toBeGreaterThan(0);
    expect(await runHistoricalPayouts(pctx, admin._id, windowStart, windowEnd)).toEqual({ runs: 3, newRuns: 0, payouts: 0, conversions: 0, clickEarnings: 0, reviewed: 0 });
    expect(await pctx.models.JobRun.countDocuments({ job: 'payouts' })).toBe(3);
  }, 120_000);

  it('waits for a rollup lock held by another process, and gives up after the bounded wait', async () => {
    const windowEnd = hourStart(Date.now());
    const from = windowEnd - 2 * 3_600_000;
    const held = (await acquireLock(pctx.redis, pctx.keys.jobLock('rollup-hourly'), 60_000))!;
    expect(held).not.toBeNull();
    await expect(rollUpHistory(pctx, from, windowEnd, { onProgress: () => {}, lockWaitMs: 300, lockPollMs: 100 })).rejects.toThrow(/still running elsewhere/);

    const messages: string[] = [];
    const rolled = await rollUpHistory(pctx, from, windowEnd, {
      onProgress: () => {},
      lockWaitMs: 60_000,
      lockPollMs: 100,
      onWait: (m) => {
        messages.push(m);
        // The other process finishes its run.
        if (messages.length === 2) void held.release();
      },
    });
    expect(rolled).toMatchObject({ hours: 2, reused: false });
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages[0]).toMatch(/another process is running the rollup job .*retrying in 0.1 s, giving up in [\d.]+ s/);
  });
});

describe('seed and the platform settings', () => {
  let sctx: AppContext;
  beforeAll(async () => { sctx = await createTestContext({ PAYOUT_HOLD_DAYS: '0', PAYOUT_MIN_CENTS: '0' }); });
  afterAll(async () => { await destroyTestContext(sctx); });

  it('spaces its payout runs by the hold period an admin stored, not the environment’s', async () => {
    const windowEnd = hourStart(Date.now());
    const windowStart = windowEnd - 30 * DAY;
    const admin = { _id: '6750b2d4c1f0a3e9d2b4a7c1' };
    // Nothing stored: the environment's 0 days, a run every week of the 30 days.
    expect(payoutRunDates(windowStart, windowEnd, 0)).toHaveLength(5);
    await updatePlatformSettings(sctx, { audit: { id: admin._id, role: 'admin', via: 'cookie' }, ip: null }, { payoutHoldDays: 20 });
    const made = await runHistoricalPayouts(sctx, admin._id, windowStart, windowEnd);
    // 20 days stored: only the runs more than 20 days after the window start.
    expect(made.runs).toBe(payoutRunDates(windowStart, windowEnd, 20).length);
    expect(made.runs).toBe(2);
    expect(await sctx.models.JobRun.countDocuments({ job: 'payouts' })).toBe(2);
  }, 60_000);
});
