import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putCampaignEntry } from '../src/campaigns/campaign-directory';
import type { AppContext } from '../src/context';
import type { CampaignDoc } from '../src/db/models/campaign';
import { newId } from '../src/db/ids';
import { statsHourly } from '../src/db/models/stats';
import { clicksCollectionName, listClickPartitions, partitionDay, partitionKey, testClicks } from '../src/db/raw-events';
import { listDirtyHours, markHoursDirty } from '../src/db/rollup-dirty';
import { autoApprove } from '../src/auto-approve/auto-approve';
import { DAY_MS, dayKey, dayKeyToMs, HOUR_MS } from '../src/domain/time-buckets';
import { reconcile } from '../src/reconcile/reconcile';
import { rollHours } from '../src/rollups/hourly';
import { applyRetention } from '../src/rollups/retention';
import { createTestContext, destroyTestContext } from './helpers/context';
import { campaignWithLink, insertClick, sendAndResolve, startPostbackEnv } from './helpers/postbacks';
import { RawEventsBuilder } from './helpers/raw-events-builder';

let ctx: AppContext;
let b: RawEventsBuilder;
const now = Date.now();

beforeAll(async () => {
  ctx = await createTestContext({ RAW_RETENTION_DAYS: '30' });
  b = new RawEventsBuilder(ctx);
});
afterAll(async () => { await destroyTestContext(ctx); });

describe('auto-approve', () => {
  it('approves pending conversions older than the campaign’s period, not suspected fraud, once', async () => {
    const auto = await b.campaign({ autoApproveAfterDays: 3 });
    const manual = await b.campaign({ autoApproveAfterDays: null });
    const aff = newId();
    const [old, young, fraud, noPeriod, approved] = await b.addConversions([
      { at: now - 4 * DAY_MS, campaign: auto, affiliateId: aff, status: 'pending', revenueCents: 1500, payoutCents: 900 },
      { at: now - 2 * DAY_MS, campaign: auto, affiliateId: aff, status: 'pending' },
      { at: now - 5 * DAY_MS, campaign: auto, affiliateId: aff, status: 'pending', suspectedFraud: true },
      { at: now - 9 * DAY_MS, campaign: manual, affiliateId: aff, status: 'pending' },
      { at: now - 9 * DAY_MS, campaign: auto, affiliateId: aff, status: 'approved' },
    ]);
    const res = await autoApprove(ctx, now);
    expect(res).toEqual({ campaigns: 1, candidates: 1, approved: 1 });
    const c = (await ctx.models.Conversion.findById(old!._id).lean())!;
    expect(c).toMatchObject({ status: 'approved', approved: 1, pending: 0, revApprovedCents: 1500, revPendingCents: 0, payApprovedCents: 900, payPendingCents: 0 });
    expect(c.history.at(-1)).toMatchObject({ by: 'system', from: 'pending', to: 'approved', note: 'auto-approved after 3 days' });
    for (const id of [young!._id, fraud!._id, noPeriod!._id]) expect((await ctx.models.Conversion.findById(id).lean())!.status).toBe('pending');
    expect((await ctx.models.Conversion.findById(approved!._id).lean())!.history).toHaveLength(1);
    expect((await listDirtyHours(ctx.db)).map((d) => d._id.getTime())).toEqual([old!.hour.getTime()]);
    // The delivery job is named by the transition: its position in the history.
    const job = await ctx.queues.deliveries.getJob(`conv:${old!._id}:${c.history.length}`);
    expect(job?.name).toBe('conversion');
    expect(job?.data).toEqual({ conversionId: old!._id, seq: c.history.length });
    expect(await autoApprove(ctx, now)).toEqual({ campaigns: 1, candidates: 0, approved: 0 });
  });
});

describe('raw-event retention', () => {
  it('drops only old partitions whose hours are all rolled up and clean, and keeps their counts', async () => {
    const camp = await b.campaign();
    const aff = newId();
    const oldRolled = dayKey(now - 40 * DAY_MS);
    const oldDirty = dayKey(now - 39 * DAY_MS);
    const oldUnrolled = dayKey(now - 38 * DAY_MS);
    const recent = dayKey(now - 5 * DAY_MS);
    for (const d of [oldRolled, oldDirty, oldUnrolled, recent]) {
      await b.addClicks([{ at: dayKeyToMs(d) + 3 * HOUR_MS, campaign: camp, affiliateId: aff }, { at: dayKeyToMs(d) + 20 * HOUR_MS, campaign: camp, affiliateId: aff }]);
    }
    const conv = await b.addConversion({ at: dayKeyToMs(oldRolled) + 3 * HOUR_MS + 60_000, campaign: camp, affiliateId: aff, status: 'pending' });
    const hoursOf = (d: string) => Array.from({ length: 24 }, (_, i) => dayKeyToMs(d) + i * HOUR_MS);
    await rollHours(ctx, [...hoursOf(oldRolled), ...hoursOf(oldDirty), ...hoursOf(recent)]);
    await markHoursDirty(ctx.db, [dayKeyToMs(oldDirty) + 5 * HOUR_MS]);
    // Test clicks ("send test postback") go with the retention window too.
    const oldTest = b.clickDoc({ at: dayKeyToMs(oldRolled) + HOUR_MS, campaign: camp, affiliateId: aff });
    const recentTest = b.clickDoc({ at: dayKeyToMs(recent) + HOUR_MS, campaign: camp, affiliateId: aff });
    await testClicks(ctx.db).insertMany([oldTest, recentTest]);

    const res = await applyRetention(ctx, now);
    expect(res.details.dropped).toEqual([{ day: oldRolled, clicks: 2 }]);
    expect(res.counts.testClicksDeleted).toBe(1);
    expect((await testClicks(ctx.db).find({}).toArray()).map((c) => c._id)).toEqual([recentTest._id]);
    expect(res.details.skipped).toEqual([
      { day: oldDirty, reason: '1 hour(s) waiting to be re-rolled' },
      { day: oldUnrolled, reason: '24 hour(s) not rolled up' },
    ]);
    const days = (await listClickPartitions(ctx.db)).map(partitionDay);
    expect(days).not.toContain(oldRolled);
    expect(days).toEqual(expect.arrayContaining([oldDirty, oldUnrolled, recent]));
    expect(await ctx.db.listCollections({ name: clicksCollectionName(partitionKey(dayKeyToMs(oldRolled) + HOUR_MS)) }).toArray()).toEqual([]);

    // A late status change re-rolls the dropped day's hour: clicks stay, the conversion moves.
    await b.setStatus(conv._id, 'approved');
    await rollHours(ctx, [conv.hour.getTime()]);
    const row = (await statsHourly(ctx.db).findOne({ hour: conv.hour, campaignId: camp._id }))!;
    expect(row).toMatchObject({ clicks: 1, approvedConversions: 1, pendingConversions: 0 });
    const report = await reconcile(ctx, { fromMs: dayKeyToMs(oldRolled), toMs: dayKeyToMs(oldRolled) + DAY_MS, nowMs: now });
    expect(report.skipped.droppedDays).toEqual([oldRolled]);
    expect(report.differences).toEqual([]);
    expect((await applyRetention(ctx, now)).counts.dropped).toBe(0);
  });
});

describe('retention and attribution windows', () => {
  it('keeps a partition while an open campaign may still convert its clicks, and drops it once the campaign is archived', async () => {
    const e = await startPostbackEnv({ RAW_RETENTION_DAYS: '90' });
    try {
      const long = await campaignWithLink(e, { attributionWindowDays: 365 });
      const at = Date.now() - 100 * DAY_MS;
      const day = dayKey(at);
      const click = await insertClick(e.ctx, long, { ts: at });
      // An older day that no window covers any more, to show retention still drops what it may.
      const ancient = dayKey(Date.now() - 400 * DAY_MS);
      await insertClick(e.ctx, long, { ts: dayKeyToMs(ancient) + HOUR_MS });
      const hoursOf = (d: string) => Array.from({ length: 24 }, (_, i) => dayKeyToMs(d) + i * HOUR_MS);
      await rollHours(e.ctx, [...hoursOf(day), ...hoursOf(ancient)]);
      // The window comes from the campaigns directory; an entry written before a change that never landed
      // (`v` 0, a shorter window) does not shorten it: the stored campaign is read too.
      const stored = (await e.ctx.models.Campaign.findById(long.id).lean()) as CampaignDoc;
      await putCampaignEntry(e.ctx.db, { ...stored, attributionWindowDays: 1 }, 0);

      const res = await applyRetention(e.ctx);
      expect(res.details.dropped.map((d) => d.day)).toEqual([ancient]);
      expect(res.details.keptForAttribution).toEqual({ windowDays: 365, days: [day] });
      expect((await listClickPartitions(e.ctx.db)).map(partitionDay)).toContain(day);
      // A postback for the 100-day-old click is attributed, not unknown_click.
      const pb = await sendAndResolve(e, { click_id: click, txn_id: 'late-1', token: long.postbackSecret });
      expect(pb).toMatchObject({ state: 'attributed' });

      // Archived campaigns convert nothing: the window no longer holds the day.
      expect((await e.adv.client.post(`/api/campaigns/${long.id}/archive`, {})).status).toBe(200);
      const after = await applyRetention(e.ctx);
      expect(after.details.keptForAttribution).toEqual({ windowDays: 0, days: [] });
      expect(after.details.dropped.map((d) => d.day)).toEqual([day]);
    } finally {
      await e.close();
    }
  }, 60_000);
});
