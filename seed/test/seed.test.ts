import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../backend/src/context';
import { listClickPartitions, clickPartition } from '../../backend/src/db/raw-events';
import { hourStart } from '../../backend/src/domain/time-buckets';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';
import { applyFinalStatuses, seedNetwork } from '../src/accounts';
import { rebuildCampaignCounters, writeHistory } from '../src/history';
import { rollUpHistory, runHistoricalPayouts } from '../src/wrap-up';
import { statsHourly } from '../../backend/src/db/models/stats';
import { reconcile } from '../../backend/src/reconcile/reconcile';

let ctx: AppContext;
beforeAll(async () => { ctx = await createTestContext(); });
afterAll(async () => { await destroyTestContext(ctx); });

async function countClicks(): Promise<number> {
  let n = 0;
  for (const day of await listClickPartitions(ctx.db)) n += await (await clickPartition(ctx.db, day)).countDocuments();
  return n;
}

describe('seed', () => {
  it('writes a realistic history once; re-running inserts nothing twice', async () => {
    const windowEnd = hourStart(Date.now());
    const run = async () => {
      const net = await seedNetwork(ctx, new Date(windowEnd - 4 * 86_400_000));
      const counts = await writeHistory(ctx, net, { clicks: 6000, days: 3, windowEnd, seed: 7, done: new Set(), onProgress: () => {}, onDayDone: async () => {} });
      await rebuildCampaignCounters(ctx);
      await applyFinalStatuses(ctx, net);
      return counts;
    };
    const first = await run();
    expect(first.clicks).toBeGreaterThan(5900);
    expect(await countClicks()).toBe(first.clicks);
    const conversions = await ctx.models.Conversion.countDocuments();
    expect(conversions).toBe(first.conversions);

    const second = await run();
    expect(second).toEqual(first);
    expect(await countClicks()).toBe(first.clicks);
    expect(await ctx.models.Conversion.countDocuments()).toBe(conversions);
    expect(await ctx.models.User.countDocuments()).toBe(16);
    expect(await ctx.models.Campaign.countDocuments()).toBe(8);

    const statuses = await ctx.models.Conversion.distinct('status');
    expect(statuses.sort()).toEqual(['approved', 'pending', 'rejected']);
    const models = await ctx.models.Campaign.distinct('payoutModel');
    expect(models.sort()).toEqual(['CPA', 'CPC', 'CPL', 'CPS']);
    const day = (await listClickPartitions(ctx.db)).at(-1)!;
    const reasons = await (await clickPartition(ctx.db, day)).distinct('reason');
    expect(reasons).toEqual(expect.arrayContaining([null, 'bot', 'campaign_paused']));
    expect(await (await clickPartition(ctx.db, day)).countDocuments({ unique: 0 })).toBeGreaterThan(0);
    expect(await ctx.models.User.countDocuments({ status: 'suspended' })).toBe(1);
    expect(await ctx.models.Campaign.countDocuments({ status: 'paused' })).toBe(1);
    // No conversion before its click, none after the window.
    const bad = await ctx.models.Conversion.countDocuments({ convertedAt: { $gte: new Date(windowEnd) } });
    expect(bad).toBe(0);
    // Cap counters match the conversions that hold a place.
    const held = await ctx.models.Conversion.countDocuments({ capHeld: true });
    const totals = await ctx.models.CampaignCounter.find({ day: 'total' }).lean();
    expect(totals.reduce((n, t) => n + t.conversions, 0)).toBe(held);
    const heldSpend = (await ctx.models.Conversion.find({ capHeld: true }, { revenueCents: 1 }).lean()).reduce((n, c) => n + c.revenueCents, 0);
    expect(heldSpend).toBeGreaterThan(0);
    expect(totals.reduce((n, t) => n + t.spendCents, 0)).toBe(heldSpend);
  });
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
    await rebuildCampaignCounters(wctx);
    await applyFinalStatuses(wctx, net);
    const admin = (await wctx.models.User.findOne({ role: 'admin' }).lean())!;

    const wrapUp = async () => {
      const rolled = await rollUpHistory(wctx, windowStart, windowEnd, () => {});
      const payouts = await runHistoricalPayouts(wctx, admin._id, windowStart, windowEnd);
      return { rolled, payouts };
    };
    const first = await wrapUp();
    expect(first.rolled.hours).toBe(15 * 24);
    expect(first.payouts.runs).toBe(3);
    const rows = await statsHourly(wctx.db).find({}).toArray();
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(counts.clicks);
    const report = await reconcile(wctx, { fromMs: windowStart, toMs: windowEnd });
    expect(report.differences).toEqual([]);
    expect(report.checked.payouts).toBe(first.payouts.payouts);

    const byStatus = async () => Object.fromEntries(
      await Promise.all((['pending_approval', 'approved', 'paid', 'rejected'] as const).map(async (s) => [s, await wctx.models.Payout.countDocuments({ status: s })])),
    );
    const statuses = await byStatus();
    expect(statuses.pending_approval).toBeGreaterThan(0);
    expect(statuses.approved).toBeGreaterThan(0);
    expect(statuses.paid).toBeGreaterThan(0);
    expect(statuses.rejected).toBe(0);
    const approvedConversions = await wctx.models.Conversion.countDocuments({ status: 'approved' });
    expect(first.payouts.conversions).toBe(await wctx.models.Conversion.countDocuments({ payoutId: { $ne: null } }));
    expect(first.payouts.conversions).toBeLessThanOrEqual(approvedConversions);

    const second = await wrapUp();
    expect(second.payouts).toEqual({ runs: 3, payouts: 0, conversions: 0 });
    expect(await byStatus()).toEqual(statuses);
    expect((await statsHourly(wctx.db).find({}).toArray()).reduce((n, r) => n + r.clicks, 0)).toBe(counts.clicks);
  }, 240_000);
});
