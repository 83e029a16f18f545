import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { clickEarnings, clickSettledDays } from '../src/db/models/click-earning';
import type { PayoutDoc } from '../src/db/models/payout';
import { payoutClaims } from '../src/db/payout-claims';
import { markHoursDirty } from '../src/db/rollup-dirty';
import { clickClaimId, isoDay } from '../src/domain/payout-plan';
import { DAY_MS, dayStart, HOUR_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { duePayables } from '../src/payouts/payable-queue';
import { addHolds, markOpen } from '../src/payouts/payout-holds';
import { buildPayout, runPayouts } from '../src/payouts/run';
import { settleClickEarnings } from '../src/payouts/settle-clicks';
import { transitionPayout } from '../src/payouts/transitions';
import { reconcile } from '../src/reconcile/reconcile';
import { rollHours } from '../src/rollups/hourly';
import { approvedAdvertiser, approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';
import { RawEventsBuilder, type BuiltCampaign, type ClickSpec } from './helpers/raw-events-builder';

/**
 * CPC affiliates are paid their click earnings: each UTC day past the hold
 * period whose hours are all rolled up clean is settled from the hourly
 * rollup, and payout runs pay those earnings with the affiliate's conversions.
 */
let ctx: AppContext;
let api: ApiServer;
let b: RawEventsBuilder;
let admin: { client: TestClient; id: string };
let aff: { client: TestClient; id: string };
let cpc: BuiltCampaign;
let cpa: BuiltCampaign;
const now = Date.now();
const today = dayStart(now);
/** Start of the UTC day `n` days before today. */
const day = (n: number) => today - n * DAY_MS;
const hoursOf = (d: number) => Array.from({ length: 24 }, (_, i) => d + i * HOUR_MS);
const CPC_PAYOUT = 25;
const CPC_REVENUE = 40;

/** `paid` unique valid clicks worth CPC money spread over the day, plus repeat and bot clicks that earn nothing. */
function cpcDay(d: number, affiliateId: string, paid: number): ClickSpec[] {
  const out: ClickSpec[] = [];
  for (let i = 0; i < paid; i++) out.push({ at: d + ((i * 37) % 24) * HOUR_MS + i * 1000, campaign: cpc, affiliateId, cpcPayoutCents: CPC_PAYOUT, cpcRevenueCents: CPC_REVENUE });
  out.push({ at: d + 3 * HOUR_MS, campaign: cpc, affiliateId, unique: 0 });
  out.push({ at: d + 4 * HOUR_MS, campaign: cpc, affiliateId, invalid: true, unique: 0 });
  return out;
}

async function earningsOf(affiliateId: string) {
  return ctx.models.ClickEarning.find({ affiliateId }).sort({ _id: 1 }).lean();
}

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '5000' });
  api = await startTestApi(ctx);
  b = new RawEventsBuilder(ctx);
  admin = await createAdmin(ctx, api.url);
  aff = await approvedAffiliate(api.url, admin.client, 'Clicky');
  const adv = await approvedAdvertiser(api.url, admin.client);
  cpc = await b.campaign({ name: 'Pay per click', advertiserId: adv.id, payoutModel: 'CPC', revenueCents: CPC_REVENUE, payoutCents: CPC_PAYOUT });
  cpa = await b.campaign({ name: 'Pay per sale', advertiserId: adv.id });
  await b.addClicks([
    ...cpcDay(day(11), aff.id, 80), // one hour dirty after its roll: waits
    ...cpcDay(day(10), aff.id, 100),
    ...cpcDay(day(9), aff.id, 120),
    ...cpcDay(day(8), aff.id, 150), // one hour never rolled: waits
    // Ends after the cutoff (now − 7 days): not past the hold period as a whole day.
    { at: day(7) + HOUR_MS, campaign: cpc, affiliateId: aff.id, cpcPayoutCents: CPC_PAYOUT, cpcRevenueCents: CPC_REVENUE },
  ]);
  await b.addConversions([
    { at: day(10) + 5 * HOUR_MS, campaign: cpa, affiliateId: aff.id, payoutCents: 700 },
    { at: day(9) + 5 * HOUR_MS, campaign: cpa, affiliateId: aff.id, payoutCents: 700 },
  ]);
  await rollHours(ctx, [...hoursOf(day(11)), ...hoursOf(day(10)), ...hoursOf(day(9)), ...hoursOf(day(8)).filter((h) => h !== day(8) + 13 * HOUR_MS), ...hoursOf(day(7))]);
  await markHoursDirty(ctx.db, [day(11) + 6 * HOUR_MS]);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

describe('CPC click earnings in payout runs', () => {
  let first: PayoutDoc;

  it('pays a CPC affiliate after the hold period for days rolled up clean only, with its conversions in one payout', async () => {
    const counts = await runPayouts(ctx, { runId: 'run1', nowMs: now });
    expect(counts).toMatchObject({ payouts: 1, conversions: 2, clickEarnings: 2, settledDays: 2, settledClickEarnings: 2, unsettledDays: 2 });

    // Settled: the two clean days, with the values the raw clicks give (independently of the rollup code).
    const expected = b.expected((e) => (e.campaignId === cpc._id && e.hour < day(7) ? isoDay(e.hour) : null));
    const earnings = await earningsOf(aff.id);
    expect(earnings.map((e) => e.day)).toEqual([isoDay(day(10)), isoDay(day(9))]);
    for (const e of earnings) {
      expect(e).toMatchObject({ campaignId: cpc._id, advertiserId: cpc.advertiserId, currency: 'USD', clicks: expected.get(e.day)!.uniqueClicks, payoutCents: expected.get(e.day)!.payoutCents });
      expect(e.revenueCents).toBe(e.clicks * CPC_REVENUE);
      expect(e._id).toBe(`${e.day}|${cpc._id}|${aff.id}|USD`);
    }
    expect(earnings.map((e) => e.clicks)).toEqual([100, 120]);
    const settledDays = (await clickSettledDays(ctx.db).find({}).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(settledDays).toEqual([isoDay(day(10)), isoDay(day(9))]);

    first = (await ctx.models.Payout.findOne({ affiliateId: aff.id }).lean()) as PayoutDoc;
    expect(first).toMatchObject({
      status: 'pending_approval',
      currency: 'USD',
      amountCents: 220 * CPC_PAYOUT + 1400,
      conversionCount: 2,
      clickEarningCount: 2,
      clickCount: 220,
      clickAmountCents: 220 * CPC_PAYOUT,
    });
    expect(first.periodStart!.getTime()).toBe(day(10));
    expect(earnings.every((e) => e.payoutId === first._id)).toBe(true);
    const claims = await payoutClaims(ctx.db).find({ payoutId: first._id }).toArray();
    expect(claims.map((c) => c._id).sort()).toEqual([...earnings.map((e) => clickClaimId(e._id)), ...(await ctx.models.Conversion.find({ payoutId: first._id }).lean()).map((c) => c._id)].sort());

    const lines = await ctx.models.PayoutLine.find({ payoutId: first._id }).sort({ convertedAt: 1, _id: 1 }).lean();
    expect(lines.map((l) => [l.kind, l.day, l.clicks, l.amountCents])).toEqual([
      ['clicks', isoDay(day(10)), 100, 100 * CPC_PAYOUT],
      ['conversion', null, null, 700],
      ['clicks', isoDay(day(9)), 120, 120 * CPC_PAYOUT],
      ['conversion', null, null, 700],
    ]);
    expect(lines[0]).toMatchObject({ _id: `${first._id}:${clickClaimId(earnings[0]!._id)}`, clickEarningId: earnings[0]!._id, conversionId: null, campaignId: cpc._id });
  });

  it('creates nothing new when run again', async () => {
    const counts = await runPayouts(ctx, { runId: 'run2', nowMs: now });
    expect(counts).toMatchObject({ payouts: 0, conversions: 0, clickEarnings: 0, settledDays: 0, settledClickEarnings: 0, unsettledDays: 2 });
    expect(await ctx.models.Payout.countDocuments({})).toBe(1);
    expect(await ctx.models.ClickEarning.countDocuments({})).toBe(2);
    expect(await ctx.models.PayoutLine.countDocuments({})).toBe(4);
  });

  it('shows clicks lines over the API and in the CSV', async () => {
    const res = await aff.client.get(`/api/payouts/${first._id}`);
    expect(res.status).toBe(200);
    expect(res.body.payout).toMatchObject({ clickEarningCount: 2, clickCount: 220, clickAmountCents: 5500, conversionCount: 2 });
    expect(res.body.lines.items[0]).toEqual({
      id: `${first._id}:${clickClaimId(`${isoDay(day(10))}|${cpc._id}|${aff.id}|USD`)}`,
      kind: 'clicks',
      conversionId: null,
      clickEarningId: `${isoDay(day(10))}|${cpc._id}|${aff.id}|USD`,
      day: isoDay(day(10)),
      clicks: 100,
      campaignId: cpc._id,
      campaignName: 'Pay per click',
      amountCents: 2500,
      convertedAt: new Date(day(10)).toISOString(),
    });
    expect(res.body.lines.items[1]).toMatchObject({ kind: 'conversion', campaignName: 'Pay per sale', day: null, clicks: null, clickEarningId: null, amountCents: 700 });
    const csv = await admin.client.get(`/api/payouts?format=csv&affiliateId=${aff.id}`);
    const [header, row] = csv.text.trim().split('\n');
    expect(header!.endsWith(',paidReference,clickCount,clickAmount')).toBe(true);
    expect(row!.startsWith(`${first._id},${aff.id},Clicky,USD,69.00,2,pending_approval,`)).toBe(true);
    expect(row!.endsWith(',220,55.00')).toBe(true);
  });

  it('pays a day that waited once its hours are rolled up clean', async () => {
    await rollHours(ctx, [day(8) + 13 * HOUR_MS, day(11) + 6 * HOUR_MS]);
    const counts = await runPayouts(ctx, { runId: 'run3', nowMs: now });
    expect(counts).toMatchObject({ payouts: 1, conversions: 0, clickEarnings: 2, settledDays: 2, unsettledDays: 0 });
    const p = (await ctx.models.Payout.findOne({ affiliateId: aff.id, _id: { $ne: first._id } }).lean())!;
    expect(p).toMatchObject({ amountCents: 230 * CPC_PAYOUT, conversionCount: 0, clickEarningCount: 2, clickCount: 230 });
    expect((await earningsOf(aff.id)).map((e) => [e.day, e.clicks, e.payoutId])).toEqual([
      [isoDay(day(11)), 80, p._id],
      [isoDay(day(10)), 100, first._id],
      [isoDay(day(9)), 120, first._id],
      [isoDay(day(8)), 150, p._id],
    ]);
  });

  it('releases the click earnings of a rejected payout; a later run pays them again', async () => {
    await transitionPayout(ctx, first._id, 'reject', admin.id, { note: 'recheck' });
    expect(await ctx.models.ClickEarning.countDocuments({ payoutId: first._id })).toBe(0);
    expect(await payoutClaims(ctx.db).countDocuments({ payoutId: first._id })).toBe(0);
    const counts = await runPayouts(ctx, { runId: 'run4', nowMs: now });
    expect(counts).toMatchObject({ payouts: 1, conversions: 2, clickEarnings: 2, settledDays: 0 });
    const again = (await ctx.models.Payout.findOne({ affiliateId: aff.id, status: 'pending_approval', runId: 'run4' }).lean())!;
    expect(again).toMatchObject({ amountCents: first.amountCents, clickEarningCount: 2, clickCount: 220, conversionCount: 2 });
    expect(await ctx.models.ClickEarning.countDocuments({ payoutId: again._id })).toBe(2);
    // The rejected payout keeps its lines as a record.
    expect(await ctx.models.PayoutLine.countDocuments({ payoutId: first._id })).toBe(4);
  });

  it('finishes an interrupted build that had claimed part of the click earnings', async () => {
    const affC = newId();
    await b.addClicks([...cpcDay(day(20), affC, 90), ...cpcDay(day(19), affC, 90), ...cpcDay(day(18), affC, 90)]);
    await rollHours(ctx, [...hoursOf(day(20)), ...hoursOf(day(19)), ...hoursOf(day(18))]);
    // A run settled the days, created the payout and claimed two earnings (one mirrored), then stopped.
    await settleClickEarnings(ctx, new Date(now - 7 * DAY_MS));
    const [e0, e1] = await earningsOf(affC);
    const id = newId();
    await ctx.models.Payout.create({ _id: id, runId: 'crashed', affiliateId: affC, currency: 'USD', status: 'building', cutoff: new Date(now - 7 * DAY_MS), buildKey: `building|${affC}|USD` });
    await payoutClaims(ctx.db).insertMany([e0!, e1!].map((e) => ({ _id: clickClaimId(e._id), payoutId: id, at: new Date() })));
    await clickEarnings(ctx.db).updateOne({ _id: e0!._id }, { $set: { payoutId: id } });
    // What the run wrote before creating it and before claiming: the open mark and the payout's holds.
    await markOpen(ctx.db, 'building', id);
    await addHolds(ctx.db, id, [e0!, e1!].map((e) => clickClaimId(e._id)));
    const counts = await runPayouts(ctx, { runId: 'run5', nowMs: now });
    expect(counts).toMatchObject({ resumed: 1, payouts: 1, clickEarnings: 3 });
    expect(await ctx.models.Payout.findById(id).lean()).toMatchObject({ status: 'pending_approval', amountCents: 270 * CPC_PAYOUT, clickEarningCount: 3, clickCount: 270, buildKey: id });
    expect(await ctx.models.PayoutLine.countDocuments({ payoutId: id, kind: 'clicks' })).toBe(3);
  });

  it('never pays a click earning twice when runs race', async () => {
    const affD = newId();
    const days = [30, 29, 28, 27, 26, 25].map(day);
    await b.addClicks(days.flatMap((d) => cpcDay(d, affD, 60)));
    await rollHours(ctx, days.flatMap(hoursOf));
    await Promise.all([runPayouts(ctx, { runId: 'raceA', nowMs: now }), runPayouts(ctx, { runId: 'raceB', nowMs: now })]);
    const payouts = await ctx.models.Payout.find({ affiliateId: affD }).lean();
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ status: 'pending_approval', clickEarningCount: 6, clickCount: 360, amountCents: 360 * CPC_PAYOUT });
    expect(await ctx.models.ClickEarning.countDocuments({ affiliateId: affD })).toBe(6);
    // Counted exactly as claimed (a run that found the other's payout building left it to that run).
    expect(await payoutClaims(ctx.db).countDocuments({ payoutId: payouts[0]!._id })).toBe(6);
    expect(await ctx.models.ClickEarning.countDocuments({ affiliateId: affD, payoutId: payouts[0]!._id })).toBe(6);

    // Even two builders for the same group (bypassing the one-builder rule) split, never share, the earnings.
    const affE = newId();
    const eDays = [40, 39, 38, 37, 36, 35, 34, 33].map(day);
    await b.addClicks(eDays.flatMap((d) => cpcDay(d, affE, 100)));
    await rollHours(ctx, eDays.flatMap(hoursOf));
    await settleClickEarnings(ctx, new Date(now - 7 * DAY_MS));
    const mk = async (k: string) =>
      (await ctx.models.Payout.create({ _id: newId(), runId: k, affiliateId: affE, currency: 'USD', status: 'building', cutoff: new Date(now - 7 * DAY_MS), buildKey: `test|${k}` })).toObject() as PayoutDoc;
    const [p1, p2] = [await mk('x'), await mk('y')];
    const fresh = (await duePayables(ctx, new Date(now - 7 * DAY_MS))).filter((p) => p.doc.affiliateId === affE);
    expect(fresh).toHaveLength(eDays.length);
    await Promise.all([buildPayout(ctx, p1, 'system', 'x', fresh), buildPayout(ctx, p2, 'system', 'y', fresh)]);
    const lines = await ctx.models.PayoutLine.find({ payoutId: { $in: [p1._id, p2._id] } }).lean();
    const ids = lines.map((l) => l.clickEarningId);
    expect(new Set(ids).size).toBe(ids.length);
    const held = await ctx.models.ClickEarning.find({ affiliateId: affE, payoutId: { $ne: null } }).lean();
    expect(held.map((e) => e._id).sort()).toEqual([...ids].sort());
    const built = await ctx.models.Payout.find({ _id: { $in: [p1._id, p2._id] } }).lean();
    expect(built.reduce((s, p) => s + p.clickEarningCount, 0)).toBe(ids.length);
    for (const p of built) expect(await payoutClaims(ctx.db).countDocuments({ payoutId: p._id }), `claims of ${p._id}`).toBe(p.clickEarningCount);
  }, 120_000);

  it('reconciles payouts, claims and click earnings with the rollup: zero on clean data, a planted difference is found', async () => {
    const range = { fromMs: day(41), toMs: day(7) };
    const clean = await reconcile(ctx, range);
    expect(clean.differences).toEqual([]);
    // Settled: days 40–33, 30–25, 20–18 and 11–8; the days between had no rollup at all.
    expect(clean.checked.clickDays).toBe(21);
    expect(clean.checked.payouts).toBeGreaterThanOrEqual(5);

    // A click earning worth more than its day's rolled-up clicks (and than its payout line).
    const e = (await earningsOf(aff.id))[1]!;
    await clickEarnings(ctx.db).updateOne({ _id: e._id }, { $inc: { payoutCents: 5 } });
    const planted = await reconcile(ctx, range);
    expect(planted.differences).toEqual(
      expect.arrayContaining([
        { kind: 'click_earnings', key: e._id, field: 'payoutCents', expected: e.payoutCents, actual: e.payoutCents + 5 },
        { kind: 'payout_click_earnings', key: e.payoutId, field: 'amountCents', expected: expect.any(Number), actual: expect.any(Number) },
        { kind: 'payout_click_lines', key: `${e.payoutId}|${clickClaimId(e._id)}`, field: 'amountCents', expected: e.payoutCents + 5, actual: e.payoutCents },
      ]),
    );
    await clickEarnings(ctx.db).updateOne({ _id: e._id }, { $inc: { payoutCents: -5 } });

    // A clicks line pointing at another affiliate's earning of the same day.
    const line = (await ctx.models.PayoutLine.findOne({ payoutId: e.payoutId, kind: 'clicks' }).lean())!;
    const foreign = (await ctx.models.ClickEarning.findOne({ affiliateId: { $ne: aff.id }, payoutId: { $ne: null } }).lean())!;
    await ctx.models.PayoutLine.updateOne({ _id: line._id }, { $set: { clickEarningId: foreign._id } });
    const moved = await reconcile(ctx, range);
    expect(moved.differences.filter((d) => d.kind === 'payout_links')).toEqual([
      { kind: 'payout_links', key: `${line.payoutId}|${clickClaimId(line.clickEarningId!)}`, field: 'line', expected: 1, actual: 0 },
      { kind: 'payout_links', key: `${line.payoutId}|${clickClaimId(foreign._id)}`, field: 'earning', expected: 1, actual: 0 },
      { kind: 'payout_links', key: `${line.payoutId}|${clickClaimId(foreign._id)}`, field: 'claim', expected: 1, actual: 0 },
    ].sort((a, c) => a.key.localeCompare(c.key)));
    await ctx.models.PayoutLine.updateOne({ _id: line._id }, { $set: { clickEarningId: line.clickEarningId } });
    expect((await reconcile(ctx, range)).differences).toEqual([]);
  }, 120_000);

  it('keeps a settled day as settled when a late click arrives; reconciliation shows the difference', async () => {
    const settled = (await earningsOf(aff.id))[1]!;
    const late = await b.addClick({ at: day(10) + 22 * HOUR_MS, campaign: cpc, affiliateId: aff.id, cpcPayoutCents: CPC_PAYOUT, cpcRevenueCents: CPC_REVENUE });
    await markHoursDirty(ctx.db, [late.ts]);
    const waiting = await reconcile(ctx, { fromMs: day(10), toMs: day(9) });
    expect(waiting.differences).toEqual([]);
    expect(waiting.checked.clickDays).toBe(0);
    await rollHours(ctx, [day(10) + 22 * HOUR_MS]);

    const counts = await runPayouts(ctx, { runId: 'run6', nowMs: now });
    expect(counts).toMatchObject({ payouts: 0, settledDays: 0, settledClickEarnings: 0 });
    expect((await earningsOf(aff.id))[1]).toEqual(settled);
    const report = await reconcile(ctx, { fromMs: day(10), toMs: day(9) });
    expect(report.differences).toEqual([
      { kind: 'click_earnings', key: settled._id, field: 'clicks', expected: 101, actual: 100 },
      { kind: 'click_earnings', key: settled._id, field: 'payoutCents', expected: 101 * CPC_PAYOUT, actual: 100 * CPC_PAYOUT },
      { kind: 'click_earnings', key: settled._id, field: 'revenueCents', expected: 101 * CPC_REVENUE, actual: 100 * CPC_REVENUE },
    ]);
  });

  it('settles an older day rolled up after later days were settled (the frontier moves back)', async () => {
    const affO = newId();
    await b.addClicks(cpcDay(day(70), affO, 40));
    await rollHours(ctx, hoursOf(day(70)));
    const counts = await settleClickEarnings(ctx, new Date(now - 7 * DAY_MS));
    expect(counts.settledDays).toBe(1);
    expect((await earningsOf(affO)).map((e) => e.clicks)).toEqual([40]);
    expect(await clickSettledDays(ctx.db).findOne({ _id: isoDay(day(70)) })).not.toBeNull();
  });
});
