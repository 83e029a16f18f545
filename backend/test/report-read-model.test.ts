import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affiliateReport, campaignReport, overviewReport } from '../src/analytics/reports';
import { reportWindow } from '../src/analytics/query';
import type { AppContext } from '../src/context';
import { conversionHours } from '../src/db/conversion-hours';
import { clicksCollectionName, findClick, type ClickDoc } from '../src/db/raw-events';
import { newId } from '../src/db/ids';
import { statsHourly } from '../src/db/models/stats';
import { reportDays, reportManifests } from '../src/db/report-docs';
import { markHoursDirty } from '../src/db/rollup-dirty';
import { BucketIndex, type Granularity } from '../src/domain/report-buckets';
import type { Principal } from '../src/domain/permissions';
import { HOUR_MS, hoursBetween, hourStart } from '../src/domain/time-buckets';
import { rollHours } from '../src/rollups/hourly';
import { createTestContext, destroyTestContext } from './helpers/context';
import { RawEventsBuilder, type BuiltCampaign, type ExpectedEvent } from './helpers/raw-events-builder';
import { BREAKDOWN_DIMENSIONS, OTHER_MEMBER_KEY, type BreakdownDimension } from '@offerly/contract';
import { reportMonths } from '../src/db/report-docs';

/**
 * Reports read from the report documents equal the raw events they stand
 * for, for every scope, granularity, breakdown and time zone (a DST change
 * and a whole month inside the range), whether hours come from whole months,
 * whole days, parts of days, or raw events (dirty and fresh hours).
 */
let ctx: AppContext;
let b: RawEventsBuilder;
let usd: BuiltCampaign;
let eur: BuiltCampaign;
const affiliates = [newId(), newId(), newId()];
const admin: Principal = { id: newId(), role: 'admin', status: 'approved' };
const START = Date.UTC(2026, 1, 25, 7);
const END = Date.UTC(2026, 3, 3, 5);
const NOW = END + 3 * HOUR_MS;

/** A deterministic pseudo-random sequence, so a failure names a reproducible data set. */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

beforeAll(async () => {
  ctx = await createTestContext({ ANALYTICS_RAW_CACHE_MS: '0' });
  b = new RawEventsBuilder(ctx);
  usd = await b.campaign({ name: 'Dollars', trackSub1: true });
  eur = await b.campaign({ name: 'Euros', currency: 'EUR' });
  const r = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
  const clicks = Array.from({ length: 900 }, () => ({
    at: START + Math.floor(r() * (END - START)),
    campaign: pick([usd, usd, eur]),
    affiliateId: pick(affiliates),
    unique: (r() < 0.8 ? 1 : 0) as 0 | 1,
    invalid: r() < 0.05,
    sub1: pick(['mail', 'social', null]),
    country: pick(['FR', 'DE', 'US', 'ZZ', null]),
    device: pick(['mobile', 'desktop', 'tablet']),
    os: pick(['iOS', 'Android', 'Windows', 'macOS']),
    browser: pick(['Chrome', 'Safari', 'Firefox']),
    sub2: pick(['cr-1', 'cr-2', 'cr|3', null]),
    sub3: r() < 0.2 ? pick(['pl-1', 'pl-2']) : null,
    sub5: pick(['x', 'y']),
  }));
  await b.addClicks(clicks);
  await b.addConversions(
    clicks.filter(() => r() < 0.08).map((c) => ({ ...c, at: c.at + 60_000, status: pick(['approved', 'pending', 'rejected'] as const), revenueCents: 500 + Math.floor(r() * 900), payoutCents: 300 })),
  );
}, 120_000);

afterAll(async () => destroyTestContext(ctx));

type Key = { hour: number; campaignId: string; affiliateId: string; sub1: string | null };

/** The expected series of a report, straight from the events kept in memory. */
function expectedSeries(q: { from: string; to: string; granularity: Granularity; tz: string }, filter: (e: Key) => boolean) {
  const w = reportWindow({ from: Date.parse(q.from), to: Date.parse(q.to), granularity: q.granularity, tz: q.tz }, NOW);
  const index = new BucketIndex(w.fromMs, w.toMs, w.granularity, w.tz);
  const got = b.expected((e) => {
    const bucket = index.bucketOf(e.hour);
    return filter(e) && bucket !== undefined ? new Date(bucket).toISOString() : null;
  });
  return { w, got };
}

type Point = { t: string; clicks: number; conversions: number; rejectedConversions: number };

function seriesOf(body: { series: Point[] }) {
  return new Map(body.series.filter((p) => p.clicks !== 0 || p.conversions !== 0 || p.rejectedConversions !== 0).map((p) => [p.t, p as unknown as Record<string, number>]));
}

function expectSeries(body: { series: Point[] }, want: Map<string, Record<string, number>>, fields: string[]) {
  const got = seriesOf(body);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [t, v] of want) for (const f of fields) expect({ t, f, n: got.get(t)?.[f] }).toEqual({ t, f, n: v[f] ?? 0 });
}

const COUNTS = ['clicks', 'uniqueClicks', 'invalidClicks', 'conversions', 'approvedConversions', 'pendingConversions', 'rejectedConversions'];
const MONEY = [...COUNTS, 'revenueCents', 'payoutCents'];

const WINDOWS = [
  { from: '2026-02-25T00:00:00Z', to: '2026-04-04T00:00:00Z', granularity: 'day', tz: 'UTC' },
  { from: '2026-02-25T00:00:00Z', to: '2026-04-04T00:00:00Z', granularity: 'day', tz: 'America/New_York' },
  { from: '2026-03-07T10:00:00Z', to: '2026-03-10T13:00:00Z', granularity: 'hour', tz: 'UTC' },
  { from: '2026-03-01T05:00:00Z', to: '2026-03-12T04:00:00Z', granularity: 'day', tz: 'America/New_York' },
  { from: '2026-03-31T17:00:00Z', to: '2026-04-03T08:00:00Z', granularity: 'day', tz: 'Asia/Tokyo' },
] as const;

type Row = { key: string; clicks: number; uniqueClicks: number; invalidClicks: number; conversions: number; rejectedConversions: number; payoutCents: number; revenueCents: number | null };

/** A breakdown by a dimension equals the events of the window grouped by that dimension's value ('' for none), member by member. */
function expectDimBreakdown(ctxLabel: unknown, breakdown: Row[], w: { fromMs: number; toMs: number }, dim: BreakdownDimension, filter: (e: ExpectedEvent) => boolean, money: boolean) {
  const want = b.expected((e) => (filter(e) && w.fromMs <= e.hour && e.hour < w.toMs ? String(e[dim] ?? '') : null));
  const fields = ['clicks', 'uniqueClicks', 'invalidClicks', 'conversions', 'rejectedConversions', ...(money ? ['payoutCents', 'revenueCents'] : [])];
  const got = Object.fromEntries(breakdown.map((r) => [r.key, Object.fromEntries(fields.map((f) => [f, r[f as keyof Row]]))]));
  const expected = Object.fromEntries([...want].map(([k, v]) => [k, Object.fromEntries(fields.map((f) => [f, v[f] ?? 0]))]));
  expect({ ctxLabel, dim, rows: got }).toEqual({ ctxLabel, dim, rows: expected });
}

/** Every dimension breakdown of the campaign report, the affiliate report and the affiliate report of one campaign. */
async function checkDims(label: string, dims: readonly BreakdownDimension[], windows: ReadonlyArray<(typeof WINDOWS)[number]> = WINDOWS) {
  const a0 = affiliates[0] as string;
  for (const q of windows) {
    const w = reportWindow({ from: Date.parse(q.from), to: Date.parse(q.to), granularity: q.granularity, tz: q.tz }, NOW);
    for (const dim of dims) {
      const rep = await campaignReport(ctx, admin, usd._id, w, dim, NOW);
      expectDimBreakdown({ label, q, report: 'campaign' }, rep.breakdown, w, dim, (e) => e.campaignId === usd._id, true);
      const aff = await affiliateReport(ctx, admin, a0, undefined, w, NOW, dim);
      // Its rows mix dollars and euros (money 0 there): counts only.
      expectDimBreakdown({ label, q, report: 'affiliate' }, aff.breakdown, w, dim, (e) => e.affiliateId === a0, false);
      const affEur = await affiliateReport(ctx, admin, a0, eur._id, w, NOW, dim);
      expectDimBreakdown({ label, q, report: 'affiliate × campaign' }, affEur.breakdown, w, dim, (e) => e.affiliateId === a0 && e.campaignId === eur._id, true);
    }
  }
}

async function checkAll(label: string) {
  for (const q of WINDOWS) {
    const usdOnly = expectedSeries(q, (e) => e.campaignId === usd._id);
    const rep = await campaignReport(ctx, admin, usd._id, usdOnly.w, 'affiliate', NOW);
    expectSeries(rep, usdOnly.got, MONEY);
    for (const a of affiliates) {
      const want = b.expected((e) => (e.campaignId === usd._id && e.affiliateId === a && usdOnly.w.fromMs <= e.hour && e.hour < usdOnly.w.toMs ? 'x' : null)).get('x');
      expect({ label, q, a, clicks: rep.breakdown.find((r) => r.key === a)?.clicks ?? 0 }).toEqual({ label, q, a, clicks: want?.clicks ?? 0 });
    }
    const bySub1 = await campaignReport(ctx, admin, usd._id, usdOnly.w, 'sub1', NOW);
    for (const s of ['mail', 'social', '']) {
      const want = b.expected((e) => (e.campaignId === usd._id && (e.sub1 ?? '') === s && usdOnly.w.fromMs <= e.hour && e.hour < usdOnly.w.toMs ? 'x' : null)).get('x');
      expect({ label, q, s, conv: bySub1.breakdown.find((r) => r.key === s)?.conversions ?? 0 }).toEqual({ label, q, s, conv: want?.conversions ?? 0 });
    }

    const a0 = affiliates[0] as string;
    const affWant = expectedSeries(q, (e) => e.affiliateId === a0);
    const aff = await affiliateReport(ctx, admin, a0, undefined, affWant.w, NOW);
    expectSeries(aff, affWant.got, COUNTS);
    const eurWant = b.expected((e) => (e.affiliateId === a0 && e.campaignId === eur._id && affWant.w.fromMs <= e.hour && e.hour < affWant.w.toMs ? 'x' : null)).get('x');
    expect(aff.breakdown.find((r) => r.key === eur._id)?.payoutCents ?? 0).toBe(eurWant?.payoutCents ?? 0);
    const affEur = await affiliateReport(ctx, admin, a0, eur._id, affWant.w, NOW);
    expectSeries(affEur, expectedSeries(q, (e) => e.affiliateId === a0 && e.campaignId === eur._id).got, MONEY);

    const all = expectedSeries(q, () => true);
    const over = await overviewReport(ctx, all.w, 10, NOW);
    expectSeries(over, all.got, COUNTS);
    const eurMoney = b.expected((e) => (e.campaignId === eur._id && all.w.fromMs <= e.hour && e.hour < all.w.toMs ? 'x' : null)).get('x');
    expect(over.byCurrency.find((c) => c.currency === 'EUR')?.revenueCents ?? 0).toBe(eurMoney?.revenueCents ?? 0);
    expect(over.topCampaigns.find((c) => c.id === usd._id)?.clicks ?? 0).toBe(b.expected((e) => (e.campaignId === usd._id && all.w.fromMs <= e.hour && e.hour < all.w.toMs ? 'x' : null)).get('x')?.clicks ?? 0);
  }
}

describe('report read model', () => {
  it('answers every report from raw events before any rollup', async () => {
    await checkAll('raw');
    // Every hour from raw events costs a read of its partition: the short windows only (one UTC, one in Tokyo).
    await checkDims('raw', ['country', 'sub2'], [WINDOWS[2], WINDOWS[4]]);
  }, 300_000);

  it('answers the same from report documents after the rollup, with no hour left to raw events', async () => {
    await rollHours(ctx, hoursBetween(Date.UTC(2026, 1, 24), Date.UTC(2026, 3, 5)));
    const rep = await campaignReport(ctx, admin, usd._id, reportWindow({ from: Date.UTC(2026, 1, 25), to: Date.UTC(2026, 3, 4), granularity: 'day', tz: 'UTC' }, NOW), undefined, NOW);
    expect(rep.freshHours).toBe(0);
    await checkAll('rolled');
    await checkDims('rolled', BREAKDOWN_DIMENSIONS);
    // The whole of March is read from month documents: they carry each day's members of every dimension (without hours).
    const march = await reportMonths(ctx.db).findOne({ _id: `c:${usd._id}|202603` });
    expect(march?.d15?.USD?.b.filter((m) => m.d === 'dv').map((m) => [m.k, m.h])).toEqual([
      ['desktop', undefined],
      ['mobile', undefined],
      ['tablet', undefined],
    ]);
  }, 300_000);

  it('mixes report documents and raw events for late events in dirty hours, and agrees again once they are rolled', async () => {
    const late = Date.UTC(2026, 2, 15, 9, 30);
    await b.addClicks([{ at: late, campaign: usd, affiliateId: affiliates[1] as string, sub1: 'late', device: 'tv', sub2: 'late-2' }]);
    await markHoursDirty(ctx.db, [late]);
    await checkAll('dirty');
    await checkDims('dirty', ['device', 'sub2']);
    await rollHours(ctx, [hourStart(late)]);
    await checkAll('re-rolled');
    await checkDims('re-rolled', ['device', 'sub2']);
  }, 300_000);

  it('re-rolling a day rewrites no report document', async () => {
    const day = '20260315';
    const before = await reportManifests(ctx.db).findOne({ _id: day });
    const counts = await rollHours(ctx, hoursBetween(Date.UTC(2026, 2, 15), Date.UTC(2026, 2, 16)));
    expect(counts.reportDocs).toBe(0);
    expect(await reportManifests(ctx.db).findOne({ _id: day })).toEqual(before);
    expect(await reportDays(ctx.db).findOne({ _id: `c:${usd._id}|${day}` })).not.toBeNull();
  });
});

describe('conversion hour buckets', () => {
  it('are filled once for conversions stored before they existed, so a rollup after the upgrade counts them', async () => {
    const fresh = await createTestContext({ ANALYTICS_RAW_CACHE_MS: '0' });
    try {
      const old = new RawEventsBuilder(fresh);
      const c = await old.campaign({ name: 'Before buckets' });
      const at = Date.UTC(2026, 4, 2, 10, 5);
      await old.addClicks([{ at, campaign: c, affiliateId: affiliates[0] as string }]);
      await old.addConversions([{ at, campaign: c, affiliateId: affiliates[0] as string, status: 'approved' }]);
      await conversionHours(fresh.db).deleteMany({}); // as stored by a version without buckets
      await rollHours(fresh, hoursBetween(Date.UTC(2026, 4, 2), Date.UTC(2026, 4, 3)));
      const w = reportWindow({ from: Date.UTC(2026, 4, 2), to: Date.UTC(2026, 4, 3), granularity: 'day', tz: 'UTC' }, NOW);
      expect((await campaignReport(fresh, admin, c._id, w, undefined, Date.UTC(2026, 4, 4))).totals).toMatchObject({ clicks: 1, approvedConversions: 1 });
      expect((await conversionHours(fresh.db).findOne({ _id: '2026-05-02T10' }))?.ids).toHaveLength(1);
    } finally {
      await destroyTestContext(fresh);
    }
  }, 60_000);
});

describe('day partitions from before hourly ones', () => {
  it('are still read by rollups, fresh reports and click lookups', async () => {
    const c = await b.campaign({ name: 'Legacy' });
    const at = Date.UTC(2026, 5, 1, 14, 20);
    const docs = [b.clickDoc({ at, campaign: c, affiliateId: affiliates[2] as string }), b.clickDoc({ at: at + HOUR_MS, campaign: c, affiliateId: affiliates[2] as string })];
    await ctx.db.collection<ClickDoc>(clicksCollectionName('20260601')).insertMany(docs);
    expect(await findClick(ctx.db, docs[0]!._id)).toMatchObject({ _id: docs[0]!._id });
    const w = reportWindow({ from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 5, 2), granularity: 'hour', tz: 'UTC' }, NOW);
    const fresh = await campaignReport(ctx, admin, c._id, w, 'affiliate', Date.UTC(2026, 5, 3));
    expect(fresh.totals.clicks).toBe(2);
    await rollHours(ctx, hoursBetween(Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 2)));
    const rows = await statsHourly(ctx.db).find({ campaignId: c._id }).toArray();
    expect(rows.map((r) => [r.hour.getTime(), r.clicks])).toEqual([[hourStart(at), 1], [hourStart(at) + HOUR_MS, 1]]);
    const rolled = await campaignReport(ctx, admin, c._id, w, 'affiliate', Date.UTC(2026, 5, 3));
    expect(rolled.series.filter((p) => p.clicks > 0).map((p) => [p.t, p.clicks])).toEqual([
      [new Date(hourStart(at)).toISOString(), 1],
      [new Date(hourStart(at) + HOUR_MS).toISOString(), 1],
    ]);
    expect(rolled.breakdown).toMatchObject([{ key: affiliates[2], clicks: 2 }]);
  });
});

describe('the clean span', () => {
  it('starts where the oldest partition starts, so a history rolled from mid-day on is read from report documents', async () => {
    const fresh = await createTestContext({ ANALYTICS_RAW_CACHE_MS: '0' });
    try {
      const bb = new RawEventsBuilder(fresh);
      const c = await bb.campaign({ name: 'Mid-day start' });
      const from = Date.UTC(2026, 6, 10, 8);
      await bb.addClicks([{ at: from + 30 * 60_000, campaign: c, affiliateId: affiliates[0] as string }]);
      await rollHours(fresh, hoursBetween(from, from + 4 * HOUR_MS));
      const w = reportWindow({ from, to: from + 4 * HOUR_MS, granularity: 'hour', tz: 'UTC' }, NOW);
      const rep = await campaignReport(fresh, admin, c._id, w, undefined, Date.UTC(2026, 6, 11));
      expect(rep.freshHours).toBe(0);
      expect(rep.totals.clicks).toBe(1);
    } finally {
      await destroyTestContext(fresh);
    }
  }, 60_000);
});

describe('breakdowns of free-text sub IDs', () => {
  it('keep the 50 most active values of a day and sum the rest as (other), from raw events and from report documents alike, and a re-roll rewrites nothing', async () => {
    const fresh = await createTestContext({ ANALYTICS_RAW_CACHE_MS: '0' });
    try {
      const bb = new RawEventsBuilder(fresh);
      const c = await bb.campaign({ name: 'Many sub2 values' });
      const day = Date.UTC(2026, 7, 3);
      // Value v-00 … v-59: v-k has 60 - k clicks, so the ranking is total and the last 10 fall beyond the limit.
      const clicks = Array.from({ length: 60 }, (_, k) => Array.from({ length: 60 - k }, (__, i) => ({ at: day + ((k * 7 + i) % 24) * HOUR_MS + 60_000, campaign: c, affiliateId: affiliates[k % 3] as string, sub2: `v-${String(k).padStart(2, '0')}` }))).flat();
      await bb.addClicks(clicks);
      // v-59 converts twice: conversions rank before clicks, so it is kept and v-49 (one click more than v-50) falls out instead.
      await bb.addConversions([0, 1].map((i) => ({ at: day + (20 + i) * HOUR_MS, campaign: c, affiliateId: affiliates[0] as string, sub2: 'v-59', status: 'approved' as const })));
      const w = reportWindow({ from: day, to: day + 24 * HOUR_MS, granularity: 'day', tz: 'UTC' }, NOW);
      const total = clicks.length;
      const check = async (label: string) => {
        const rep = await campaignReport(fresh, admin, c._id, w, 'sub2', Date.UTC(2026, 7, 5));
        expect(rep.breakdown).toHaveLength(51);
        expect(rep.breakdown[0]).toMatchObject({ key: 'v-59', label: 'v-59', clicks: 1, conversions: 2 });
        for (let k = 0; k < 49; k++) expect({ label, k, row: rep.breakdown[k + 1]?.key, clicks: rep.breakdown[k + 1]?.clicks }).toEqual({ label, k, row: `v-${String(k).padStart(2, '0')}`, clicks: 60 - k });
        const other = rep.breakdown[50];
        // v-49 … v-58: 11 + 10 + … + 2 clicks.
        expect(other).toMatchObject({ key: OTHER_MEMBER_KEY, label: '(other)', clicks: Array.from({ length: 10 }, (_, i) => 11 - i).reduce((x, y) => x + y, 0), conversions: 0 });
        expect(rep.breakdown.reduce((n, r) => n + r.clicks, 0)).toBe(total + 0);
        expect(rep.totals.clicks).toBe(total);
        const aff = await affiliateReport(fresh, admin, affiliates[0] as string, undefined, w, Date.UTC(2026, 7, 5), 'sub2');
        expect(aff.breakdown.reduce((n, r) => n + r.clicks, 0)).toBe(clicks.filter((x) => x.affiliateId === affiliates[0]).length);
      };
      await check('raw');
      const rolled = await rollHours(fresh, hoursBetween(day, day + 24 * HOUR_MS));
      expect(rolled.reportDocs).toBeGreaterThan(0);
      const doc = await reportDays(fresh.db).findOne({ _id: `c:${c._id}|20260803` });
      expect(doc?.cur.USD?.b.filter((m) => m.d === 's2')).toHaveLength(51);
      await check('rolled');
      // An hourly window reads the day in part: the members' hourly values, capped the same way.
      const part = await campaignReport(fresh, admin, c._id, reportWindow({ from: day + 6 * HOUR_MS, to: day + 24 * HOUR_MS, granularity: 'hour', tz: 'UTC' }, NOW), 'sub2', Date.UTC(2026, 7, 5));
      const partClicks = clicks.filter((x) => x.at >= day + 6 * HOUR_MS).length;
      expect(part.breakdown.reduce((n, r) => n + r.clicks, 0)).toBe(partClicks);
      expect((await rollHours(fresh, hoursBetween(day, day + 24 * HOUR_MS))).reportDocs).toBe(0);
    } finally {
      await destroyTestContext(fresh);
    }
  }, 120_000);
});
