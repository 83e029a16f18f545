import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { conversionHours } from '../src/db/conversion-hours';
import { newId } from '../src/db/ids';
import { reportDays } from '../src/db/report-docs';
import { statsHourly } from '../src/db/models/stats';
import { markHoursDirty } from '../src/db/rollup-dirty';
import { DAY_MS, dayKey, HOUR_MS, hourKey } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { runPayouts } from '../src/payouts/run';
import { repairCampaignCounters } from '../src/reconcile/campaign-counters';
import { reconcile } from '../src/reconcile/reconcile';
import { rollHours } from '../src/rollups/hourly';
import { approvedAdvertiser, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let b: RawEventsBuilder;
let camps: BuiltCampaign[];
const affs = [newId(), newId()];
const DAY0 = Date.UTC(2026, 4, 1);
const range = { fromMs: DAY0, toMs: DAY0 + 2 * DAY_MS };

beforeAll(async () => {
  ctx = await createTestContext({ PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '1000' });
  b = new RawEventsBuilder(ctx);
  camps = [await b.campaign({ trackSub1: true }), await b.campaign({ currency: 'EUR', payoutModel: 'CPC', revenueCents: 20, payoutCents: 10 })];
  const clicks = [];
  const convs = [];
  for (let h = 0; h < 48; h += 5) {
    for (const [ci, c] of camps.entries()) {
      for (const [ai, a] of affs.entries()) {
        for (let i = 0; i <= (h + ci + ai) % 4; i++) {
          clicks.push({ at: DAY0 + h * HOUR_MS + i * 60_000, campaign: c, affiliateId: a, unique: (i % 2 ? 0 : 1) as 0 | 1, invalid: i === 3, sub1: `p${i}`, cpcRevenueCents: ci ? 20 : 0, cpcPayoutCents: ci ? 10 : 0 });
        }
        convs.push({ at: DAY0 + h * HOUR_MS + 30 * 60_000, campaign: c, affiliateId: a, status: (['approved', 'pending', 'rejected'] as const)[(h + ai) % 3] });
      }
    }
  }
  await b.addClicks(clicks);
  await b.addConversions(convs);
  await rollHours(ctx, Array.from({ length: 48 }, (_, i) => DAY0 + i * HOUR_MS));
  await runPayouts(ctx, { runId: 'r1' });
}, 60_000);

afterAll(async () => { await destroyTestContext(ctx); });

describe('reconciliation', () => {
  it('reports zero differences on a clean data set', async () => {
    const report = await reconcile(ctx, range);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checked).toEqual({ hours: 48, days: 2, clickDays: 2, counterDays: 2, payouts: 4 });
  });

  it('finds a report document or a conversion bucket that disagrees with what it stands for', async () => {
    const dayId = `c:${camps[0]!._id}|20260502`;
    const doc = (await reportDays(ctx.db).findOne({ _id: dayId }))!;
    const [cur, slots] = Object.entries(doc.cur)[0]!;
    const [slot, v] = Object.entries(slots.h)[0]!;
    const bumped = v.split(',').map((n, i) => (i === 0 ? Number(n) + 1 : Number(n))).join(',');
    await reportDays(ctx.db).updateOne({ _id: dayId }, { $set: { [`cur.${cur}.h.${slot}`]: bumped } });
    const conv = b.conversions.find((c) => c.hour.getTime() >= DAY0 + 24 * HOUR_MS)!;
    await conversionHours(ctx.db).updateOne({ _id: hourKey(conv.hour.getTime()) }, { $pull: { ids: conv._id } });
    try {
      const report = await reconcile(ctx, range);
      expect(report.differences).toEqual([
        { kind: 'report_docs', key: `20260502|c:${camps[0]!._id}|${cur}|${slot}`, field: 'clicks', expected: Number(v.split(',')[0]), actual: Number(v.split(',')[0]) + 1 },
        { kind: 'conversion_buckets', key: hourKey(conv.hour.getTime()), field: conv._id, expected: 1, actual: 0 },
      ]);
    } finally {
      await reportDays(ctx.db).updateOne({ _id: dayId }, { $set: { [`cur.${cur}.h.${slot}`]: v } });
      await conversionHours(ctx.db).updateOne({ _id: hourKey(conv.hour.getTime()) }, { $addToSet: { ids: conv._id } });
    }
    expect((await reconcile(ctx, range)).ok).toBe(true);
  });

  it('finds a raw click stored after the rollup without a dirty mark, and clears once re-rolled', async () => {
    const late = await b.addClick({ at: DAY0 + 7 * HOUR_MS + 5 * 60_000, campaign: camps[0]!, affiliateId: affs[0]! });
    const report = await reconcile(ctx, range);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        { kind: 'hourly', key: `${new Date(DAY0 + 7 * HOUR_MS).toISOString()}|${camps[0]!._id}|${affs[0]}|`, field: 'clicks', expected: 1, actual: 0 },
        { kind: 'hourly', key: `${new Date(DAY0 + 7 * HOUR_MS).toISOString()}|${camps[0]!._id}|${affs[0]}|`, field: 'uniqueClicks', expected: 1, actual: 0 },
      ]),
    );
    // Marked dirty, the hour is waiting to be re-rolled: skipped, not a difference.
    await markHoursDirty(ctx.db, [late.ts]);
    const pending = await reconcile(ctx, range);
    expect(pending.skipped.dirtyHours).toEqual([new Date(DAY0 + 7 * HOUR_MS).toISOString()]);
    expect(pending.differences).toEqual([]);
    await rollHours(ctx, [DAY0 + 7 * HOUR_MS]);
    // Re-rolled, the hour's rows and the day's report documents agree with the raw events again.
    expect((await reconcile(ctx, range)).differences).toEqual([]);
  });

  it('finds clicks moved between two affiliates, or two sub1 values, of one campaign-hour with equal totals', async () => {
    const hour = new Date(DAY0 + 10 * HOUR_MS);
    const iso = hour.toISOString();
    // Campaign 1 does not track sub1: one row per affiliate, with different click counts.
    const [x, y] = await Promise.all(affs.map((a) => statsHourly(ctx.db).findOne({ hour, campaignId: camps[1]!._id, affiliateId: a })));
    expect(x!.clicks).not.toBe(y!.clicks);
    await statsHourly(ctx.db).updateOne({ _id: x!._id }, { $set: { clicks: y!.clicks } });
    await statsHourly(ctx.db).updateOne({ _id: y!._id }, { $set: { clicks: x!.clicks } });
    const swapped = await reconcile(ctx, range);
    expect(swapped.differences.filter((d) => d.kind === 'hourly')).toEqual([
      { kind: 'hourly', key: `${iso}|${camps[1]!._id}|${affs[0]}|`, field: 'clicks', expected: x!.clicks, actual: y!.clicks },
      { kind: 'hourly', key: `${iso}|${camps[1]!._id}|${affs[1]}|`, field: 'clicks', expected: y!.clicks, actual: x!.clicks },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    expect(swapped.differences.filter((d) => d.kind === 'hourly_parts').map((d) => d.key).sort()).toEqual([`${iso}|${camps[1]!._id}|${affs[0]}|`, `${iso}|${camps[1]!._id}|${affs[1]}|`].sort());
    await statsHourly(ctx.db).updateOne({ _id: x!._id }, { $set: { clicks: x!.clicks } });
    await statsHourly(ctx.db).updateOne({ _id: y!._id }, { $set: { clicks: y!.clicks } });

    // Campaign 0 tracks sub1: one click moved from sub1 p0 to p1 of the same affiliate.
    const [p0, p1] = await Promise.all(['p0', 'p1'].map((sub1) => statsHourly(ctx.db).findOne({ hour, campaignId: camps[0]!._id, affiliateId: affs[0], sub1 })));
    await statsHourly(ctx.db).updateOne({ _id: p0!._id }, { $inc: { clicks: -1 } });
    await statsHourly(ctx.db).updateOne({ _id: p1!._id }, { $inc: { clicks: 1 } });
    const moved = await reconcile(ctx, range);
    expect(moved.differences.filter((d) => d.kind === 'hourly')).toEqual([
      { kind: 'hourly', key: `${iso}|${camps[0]!._id}|${affs[0]}|p0`, field: 'clicks', expected: p0!.clicks, actual: p0!.clicks - 1 },
      { kind: 'hourly', key: `${iso}|${camps[0]!._id}|${affs[0]}|p1`, field: 'clicks', expected: p1!.clicks, actual: p1!.clicks + 1 },
    ]);
    await statsHourly(ctx.db).updateOne({ _id: p0!._id }, { $inc: { clicks: 1 } });
    await statsHourly(ctx.db).updateOne({ _id: p1!._id }, { $inc: { clicks: -1 } });
    expect((await reconcile(ctx, range)).ok).toBe(true);
  });

  it('finds a payout line naming the wrong conversion, even with the same amount', async () => {
    const [p, q] = await ctx.models.Payout.find({ status: 'pending_approval' }).sort({ _id: 1 }).lean();
    const line = (await ctx.models.PayoutLine.findOne({ payoutId: p!._id, kind: 'conversion' }).lean())!;
    // A conversion of the same amount that another payout holds.
    const other = (await ctx.models.PayoutLine.findOne({ payoutId: q!._id, kind: 'conversion', amountCents: line.amountCents }).lean())!;
    await ctx.models.PayoutLine.updateOne({ _id: line._id }, { $set: { conversionId: other.conversionId } });
    const report = await reconcile(ctx, range);
    expect(report.differences).toEqual([
      { kind: 'payout_links', key: `${p!._id}|${line.conversionId}`, field: 'line', expected: 1, actual: 0 },
      { kind: 'payout_links', key: `${p!._id}|${other.conversionId}`, field: 'conversion', expected: 1, actual: 0 },
      { kind: 'payout_links', key: `${p!._id}|${other.conversionId}`, field: 'claim', expected: 1, actual: 0 },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    await ctx.models.PayoutLine.updateOne({ _id: line._id }, { $set: { conversionId: line.conversionId } });

    // A claimed conversion whose line is gone (totals kept by hand).
    await ctx.models.PayoutLine.deleteOne({ _id: line._id });
    const noLine = await reconcile(ctx, range);
    expect(noLine.differences.filter((d) => d.kind === 'payout_links')).toEqual([{ kind: 'payout_links', key: `${p!._id}|${line.conversionId}`, field: 'line', expected: 1, actual: 0 }]);
    await ctx.models.PayoutLine.create(line);
    expect((await reconcile(ctx, range)).ok).toBe(true);
  });

  it('finds a payout line tampered with and a conversion released from its payout', async () => {
    const payout = (await ctx.models.Payout.findOne({ status: 'pending_approval' }).lean())!;
    // The part of the payout that conversions pay (CPC payouts also hold click earnings).
    const conversionCents = payout.amountCents - payout.clickAmountCents;
    const line = (await ctx.models.PayoutLine.findOne({ payoutId: payout._id, kind: 'conversion' }).lean())!;
    await ctx.models.PayoutLine.updateOne({ _id: line._id }, { $inc: { amountCents: 100 } });
    await ctx.models.Conversion.updateOne({ _id: line.conversionId }, { $set: { payoutId: null } });
    const report = await reconcile(ctx, range);
    const conv = (await ctx.models.Conversion.findById(line.conversionId).lean())!;
    expect(report.differences).toEqual([
      // Free again but in no queue: no payout run would find it.
      { kind: 'due_queues', key: `payable|${dayKey(conv.convertedAt.getTime())}`, field: conv._id, expected: 1, actual: 0 },
      { kind: 'payout_lines', key: payout._id, field: 'amountCents', expected: payout.amountCents, actual: payout.amountCents + 100 },
      { kind: 'payout_conversions', key: payout._id, field: 'amountCents', expected: conversionCents, actual: conversionCents - line.amountCents },
      { kind: 'payout_conversions', key: payout._id, field: 'conversionCount', expected: payout.conversionCount, actual: payout.conversionCount - 1 },
      { kind: 'payout_conversions', key: payout._id, field: 'approved', expected: payout.conversionCount, actual: payout.conversionCount - 1 },
      { kind: 'payout_links', key: `${payout._id}|${line.conversionId}`, field: 'conversion', expected: 1, actual: 0 },
    ]);
    await ctx.models.PayoutLine.updateOne({ _id: line._id }, { $inc: { amountCents: -100 } });
    await ctx.models.Conversion.updateOne({ _id: line.conversionId }, { $set: { payoutId: payout._id } });
    expect((await reconcile(ctx, range)).ok).toBe(true);
  });

  it('finds a cap place counted twice and CPC spend left out of a budget, and is clean once the counters are repaired', async () => {
    // As a crash would leave them: a place taken twice (day and lifetime), a batch's CPC spend never added.
    const counters = ctx.db.collection<{ _id: string; campaignId: string; day: string; conversions: number; spendCents: number }>('campaign_counters');
    // A campaign with no traffic at all: its counters are read by `_id` (from the campaigns directory), not found through its rows.
    const idle = await b.campaign();
    for (const d of ['20260501', 'total']) await counters.insertOne({ _id: `${idle._id}|${d}`, campaignId: idle._id, day: d, conversions: 0, spendCents: 0 });
    const totalsBefore = new Map((await counters.find({ day: 'total' }).toArray()).map((c) => [c._id, c]));
    for (const d of ['20260501', 'total']) await counters.updateOne({ _id: `${camps[0]!._id}|${d}` }, { $inc: { conversions: 1 } });
    for (const d of ['20260502', 'total']) await counters.updateOne({ _id: `${camps[1]!._id}|${d}` }, { $inc: { spendCents: -20 } });
    for (const d of ['20260501', 'total']) await counters.updateOne({ _id: `${idle._id}|${d}` }, { $inc: { conversions: 1 } });
    const before = await counters.find({ _id: { $in: [`${camps[0]!._id}|20260501`, `${camps[1]!._id}|20260502`] } }).toArray();
    const report = await reconcile(ctx, range);
    expect(report.differences.filter((d) => d.kind === 'campaign_counters')).toEqual([
      { kind: 'campaign_counters', key: `${camps[0]!._id}|20260501`, field: 'conversions', expected: before.find((c) => c._id.endsWith('0501'))!.conversions - 1, actual: before.find((c) => c._id.endsWith('0501'))!.conversions },
      { kind: 'campaign_counters', key: `${camps[1]!._id}|20260502`, field: 'spendCents', expected: before.find((c) => c._id.endsWith('0502'))!.spendCents + 20, actual: before.find((c) => c._id.endsWith('0502'))!.spendCents },
      { kind: 'campaign_counters', key: `${idle._id}|20260501`, field: 'conversions', expected: 0, actual: 1 },
    ].sort((a, b) => a.key.localeCompare(b.key)));
    expect((await repairCampaignCounters(ctx, ['20260501', '20260502'])).repaired).toBe(3);
    expect((await reconcile(ctx, range)).differences).toEqual([]);
    expect(new Map((await counters.find({ day: 'total' }).toArray()).map((c) => [c._id, c]))).toEqual(totalsBefore);
    expect((await repairCampaignCounters(ctx, ['20260501', '20260502'])).repaired).toBe(0);
  });

  it('is available to admins over the API', async () => {
    let api: ApiServer | null = null;
    try {
      api = await startTestApi(ctx);
      const admin = await createAdmin(ctx, api.url);
      const res = await admin.client.post('/api/admin/reconcile', { from: '2026-05-01', to: '2026-05-03' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, differences: [], checked: { hours: 48 }, listCounters: false });
      // The lists' counters (all time) only when asked for: the accounts this test just made are counted.
      const withLists = await admin.client.post('/api/admin/reconcile', { from: '2026-05-01', to: '2026-05-03', listCounters: true });
      expect(withLists.body).toMatchObject({ ok: true, differences: [], listCounters: true });
      expect((await admin.client.post('/api/admin/reconcile', { from: '2026-05-03', to: '2026-05-01' })).status).toBe(400);
      expect((await admin.client.post('/api/admin/reconcile', { from: '2026-01-01', to: '2026-05-01' })).status).toBe(400);
      const adv = await approvedAdvertiser(api.url, admin.client);
      expect((await adv.client.post('/api/admin/reconcile', { from: '2026-05-01', to: '2026-05-03' })).status).toBe(403);
    } finally {
      await api?.close();
    }
  });
});
