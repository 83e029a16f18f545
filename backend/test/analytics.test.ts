import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRawRows } from '../src/analytics/raw-rows';
import type { AppContext } from '../src/context';
import { markHoursDirty } from '../src/db/rollup-dirty';
import type { ApiServer } from '../src/http/server';
import { rollHours } from '../src/rollups/hourly';
import { HOUR_MS, hourStart } from '../src/domain/time-buckets';
import { approvedAdvertiser, approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

/**
 * A known data set around New York midnight (EST, UTC−5):
 * aff1: 10 clicks (8 unique, 1 invalid) at 03:30Z = 22:30 on Jan 14 in New York, 1 approved conversion 10.00/7.00;
 * aff2: 30 unique clicks at 06:10Z = 01:10 on Jan 15 in New York, approved 10.00/7.00, pending 10.00/5.00, rejected 10.00/7.00.
 */
let ctx: AppContext;
let api: ApiServer;
let b: RawEventsBuilder;
let admin: TestClient;
let adv: { client: TestClient; id: string };
let other: { client: TestClient; id: string };
let aff1: { client: TestClient; id: string };
let aff2: { client: TestClient; id: string };
let camp: BuiltCampaign;
let euroCamp: BuiltCampaign;
const T1 = Date.UTC(2026, 0, 15, 3, 30);
const T2 = Date.UTC(2026, 0, 15, 6, 10);

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', ANALYTICS_RAW_CACHE_MS: '0' });
  api = await startTestApi(ctx);
  b = new RawEventsBuilder(ctx);
  admin = (await createAdmin(ctx, api.url)).client;
  adv = await approvedAdvertiser(api.url, admin, 'Acme');
  other = await approvedAdvertiser(api.url, admin, 'Other');
  aff1 = await approvedAffiliate(api.url, admin, 'Alice');
  aff2 = await approvedAffiliate(api.url, admin, 'Bob');
  camp = await b.campaign({ name: 'Winter', advertiserId: adv.id, trackSub1: true });
  euroCamp = await b.campaign({ name: 'Euro', advertiserId: adv.id, currency: 'EUR' });
  await b.addClicks([
    ...Array.from({ length: 10 }, (_, i) => ({ at: T1 + i * 1000, campaign: camp, affiliateId: aff1.id, unique: (i < 8 ? 1 : 0) as 0 | 1, invalid: i === 9, sub1: 'email' })),
    ...Array.from({ length: 30 }, (_, i) => ({ at: T2 + i * 1000, campaign: camp, affiliateId: aff2.id, sub1: i < 10 ? 'social' : null })),
  ]);
  await b.addConversions([
    { at: T1 + 60_000, campaign: camp, affiliateId: aff1.id, status: 'approved', revenueCents: 1000, payoutCents: 700, sub1: 'email' },
    { at: T2 + 60_000, campaign: camp, affiliateId: aff2.id, status: 'approved', revenueCents: 1000, payoutCents: 700, sub1: 'social' },
    { at: T2 + 120_000, campaign: camp, affiliateId: aff2.id, status: 'pending', revenueCents: 1000, payoutCents: 500 },
    { at: T2 + 180_000, campaign: camp, affiliateId: aff2.id, status: 'rejected', revenueCents: 1000, payoutCents: 700 },
  ]);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

const totalsExpected = {
  clicks: 40,
  uniqueClicks: 38,
  invalidClicks: 1,
  conversions: 3,
  approvedConversions: 2,
  pendingConversions: 1,
  rejectedConversions: 1,
  revenueCents: 3000,
  payoutCents: 1900,
  profitCents: 1100,
  cr: 0.075,
  epc: '0.4750',
};

const nyQuery = `from=2026-01-14T05:00:00Z&to=2026-01-16T05:00:00Z&granularity=day&tz=America/New_York`;

describe('campaign analytics', () => {
  it('answers from raw events before any rollup, and the same after rolling up', async () => {
    const before = await adv.client.get(`/api/analytics/campaign/${camp._id}?${nyQuery}`);
    expect(before.status).toBe(200);
    expect(before.body.totals).toEqual(totalsExpected);
    // The 22 hours before the first raw partition (03:00Z on Jan 15) hold no events: nothing to compute there.
    expect(before.body.freshHours).toBe(26);
    await rollHours(ctx, [hourStart(T1), hourStart(T2)]);
    // Hours with no events are rolled too, so the whole window is clean.
    const hours = Array.from({ length: 48 }, (_, i) => Date.UTC(2026, 0, 14, 5) + i * HOUR_MS);
    await rollHours(ctx, hours);
    const after = await adv.client.get(`/api/analytics/campaign/${camp._id}?${nyQuery}`);
    expect(after.body.freshHours).toBe(0);
    expect(after.body.totals).toEqual(before.body.totals);
    expect(after.body.series).toEqual(before.body.series);
    // The breakdown of rolled hours comes from the per-member report documents and adds up to the same totals.
    const bySub1 = (await adv.client.get(`/api/analytics/campaign/${camp._id}?${nyQuery}&groupBy=sub1`)).body;
    expect(bySub1.freshHours).toBe(0);
    expect(bySub1.totals).toEqual(totalsExpected);
    expect(bySub1.breakdown.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([['', 20], ['email', 10], ['social', 10]]);
  });

  it('builds New York days from hourly buckets across UTC midnight, with CR, EPC and profit', async () => {
    const res = await adv.client.get(`/api/analytics/campaign/${camp._id}?${nyQuery}`);
    expect(res.body).toMatchObject({ campaign: { id: camp._id, name: 'Winter', currency: 'USD' }, granularity: 'day', tz: 'America/New_York', from: '2026-01-14T05:00:00.000Z', to: '2026-01-16T05:00:00.000Z' });
    expect(res.body.series).toHaveLength(2);
    expect(res.body.series[0]).toEqual({ t: '2026-01-14T05:00:00.000Z', clicks: 10, uniqueClicks: 8, invalidClicks: 1, conversions: 1, approvedConversions: 1, pendingConversions: 0, rejectedConversions: 0, revenueCents: 1000, payoutCents: 700, profitCents: 300, cr: 0.1, epc: '0.7000' });
    expect(res.body.series[1]).toEqual({ t: '2026-01-15T05:00:00.000Z', clicks: 30, uniqueClicks: 30, invalidClicks: 0, conversions: 2, approvedConversions: 1, pendingConversions: 1, rejectedConversions: 1, revenueCents: 2000, payoutCents: 1200, profitCents: 800, cr: 0.0667, epc: '0.4000' });
    // The same events in UTC days all fall on January 15.
    const utc = await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2026-01-14&to=2026-01-16&granularity=day`);
    expect(utc.body.series.map((p: any) => [p.t, p.clicks])).toEqual([['2026-01-14T00:00:00.000Z', 0], ['2026-01-15T00:00:00.000Z', 40]]);
    expect(utc.body.totals).toEqual(totalsExpected);
  });

  it('answers hourly series and breakdowns by affiliate and by sub1', async () => {
    const res = await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2026-01-15T00:00:00Z&to=2026-01-15T12:00:00Z&granularity=hour&groupBy=affiliate`);
    expect(res.body.series).toHaveLength(12);
    expect(res.body.series[3]).toMatchObject({ t: '2026-01-15T03:00:00.000Z', clicks: 10, conversions: 1 });
    expect(res.body.series[6]).toMatchObject({ t: '2026-01-15T06:00:00.000Z', clicks: 30, conversions: 2 });
    expect(res.body.breakdown.map((r: any) => [r.key, r.label, r.clicks, r.conversions, r.epc])).toEqual([
      [aff2.id, 'Bob', 30, 2, '0.4000'],
      [aff1.id, 'Alice', 10, 1, '0.7000'],
    ]);
    const sub = await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2026-01-15&to=2026-01-16&groupBy=sub1`);
    expect(sub.body.breakdown.map((r: any) => [r.label, r.clicks, r.conversions])).toEqual([
      ['(none)', 20, 1],
      ['email', 10, 1],
      ['social', 10, 1],
    ]);
  });

  it('exports the whole report as CSV: series with local days, totals and breakdown, money in cents and decimals', async () => {
    const res = await adv.client.get(`/api/analytics/campaign/${camp._id}?${nyQuery}&groupBy=affiliate&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="campaign-/);
    // A UTF-8 byte order mark first, so spreadsheet programs read accented names as UTF-8.
    expect([...res.bytes.slice(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 's'.charCodeAt(0)]);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe(
      'section,key,label,start,end,localDay,clicks,uniqueClicks,invalidClicks,conversions,approvedConversions,pendingConversions,rejectedConversions,cr,epc,currency,revenueCents,payoutCents,profitCents,revenue,payout,profit',
    );
    expect(lines.slice(1)).toEqual([
      'series,,2026-01-14,2026-01-14T05:00:00.000Z,2026-01-15T05:00:00.000Z,2026-01-14,10,8,1,1,1,0,0,0.1,0.7000,USD,1000,700,300,10.00,7.00,3.00',
      'series,,2026-01-15,2026-01-15T05:00:00.000Z,2026-01-16T05:00:00.000Z,2026-01-15,30,30,0,2,1,1,1,0.0667,0.4000,USD,2000,1200,800,20.00,12.00,8.00',
      'total,,Total,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,40,38,1,3,2,1,1,0.075,0.4750,USD,3000,1900,1100,30.00,19.00,11.00',
      `breakdown,${aff2.id},Bob,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,30,30,0,2,1,1,1,0.0667,0.4000,USD,2000,1200,800,20.00,12.00,8.00`,
      `breakdown,${aff1.id},Alice,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,10,8,1,1,1,0,0,0.1,0.7000,USD,1000,700,300,10.00,7.00,3.00`,
    ]);
    // Hourly buckets are labelled with the local time and its offset.
    const hourly = await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2026-01-15T03:00:00Z&to=2026-01-15T05:00:00Z&granularity=hour&tz=America/New_York&format=csv`);
    expect(hourly.text.trim().split('\n').slice(1, 3).map((l) => l.split(',').slice(0, 7))).toEqual([
      ['series', '', '2026-01-14 22:00 GMT-5', '2026-01-15T03:00:00.000Z', '2026-01-15T04:00:00.000Z', '2026-01-14', '10'],
      ['series', '', '2026-01-14 23:00 GMT-5', '2026-01-15T04:00:00.000Z', '2026-01-15T05:00:00.000Z', '2026-01-14', '0'],
    ]);
  });

  it('writes values taken from URLs (sub1) as text, never as spreadsheet formulas', async () => {
    const at = Date.UTC(2025, 2, 10, 12);
    const c = await b.campaign({ name: '@Formulas', advertiserId: adv.id, trackSub1: true });
    await b.addClicks([{ at, campaign: c, affiliateId: aff1.id, sub1: '=cmd' }, { at, campaign: c, affiliateId: aff1.id, sub1: '-2+3' }]);
    const res = await adv.client.get(`/api/analytics/campaign/${c._id}?from=2025-03-10T00:00:00Z&to=2025-03-11T00:00:00Z&groupBy=sub1&format=csv`);
    const breakdown = res.text.trim().split('\n').filter((l) => l.startsWith('breakdown,'));
    expect(breakdown.map((l) => l.split(',').slice(0, 3))).toEqual([
      ['breakdown', "'-2+3", "'-2+3"],
      ['breakdown', "'=cmd", "'=cmd"],
    ]);
    const overview = await admin.get(`/api/analytics/overview?from=2025-03-10T00:00:00Z&to=2025-03-11T00:00:00Z&format=csv`);
    expect(overview.text).toContain(`top_campaigns,${c._id},'@Formulas,`);
  });

  it('shows a campaign only to its advertiser and admins; validates the range', async () => {
    expect((await other.client.get(`/api/analytics/campaign/${camp._id}`)).status).toBe(404);
    expect((await admin.get(`/api/analytics/campaign/${camp._id}?${nyQuery}`)).body.totals).toEqual(totalsExpected);
    const bad = await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2026-01-16&to=2026-01-14`);
    expect(bad.status).toBe(400);
    expect((await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2026-01-01&to=2026-03-01&granularity=hour`)).status).toBe(400);
    expect((await adv.client.get(`/api/analytics/campaign/${camp._id}?tz=Mars/Olympus`)).status).toBe(400);
    expect((await adv.client.get(`/api/analytics/campaign/${camp._id}?from=yesterday`)).status).toBe(400);
    expect((await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2020-01-01&to=2026-01-01`)).status).toBe(400);
  });
});

describe('report bounds', () => {
  it('reads date-only from/to as midnight in tz, across a DST change (23-hour day in New York)', async () => {
    const dst = await b.campaign({ name: 'Spring forward', advertiserId: adv.id });
    await b.addClicks(
      [
        Date.UTC(2026, 2, 8, 4, 30), // 23:30 on March 7 in New York (EST): before the day
        Date.UTC(2026, 2, 8, 5, 30), // 00:30 on March 8 (EST)
        Date.UTC(2026, 2, 9, 3, 30), // 23:30 on March 8 (EDT, clocks went forward at 02:00)
        Date.UTC(2026, 2, 9, 4, 30), // 00:30 on March 9 (EDT): after the day
      ].map((at) => ({ at, campaign: dst, affiliateId: aff1.id })),
    );
    const q = `from=2026-03-08&to=2026-03-09&tz=America/New_York`;
    const hourly = await adv.client.get(`/api/analytics/campaign/${dst._id}?${q}&granularity=hour`);
    expect(hourly.status).toBe(200);
    expect(hourly.body).toMatchObject({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z', totals: { clicks: 2 } });
    expect(hourly.body.series).toHaveLength(23);
    const daily = await adv.client.get(`/api/analytics/campaign/${dst._id}?${q}&granularity=day`);
    expect(daily.body.series.map((p: any) => [p.t, p.clicks])).toEqual([['2026-03-08T05:00:00.000Z', 2]]);
    // The same dates in UTC are UTC days.
    const utc = await adv.client.get(`/api/analytics/campaign/${dst._id}?from=2026-03-08&to=2026-03-09&granularity=hour`);
    expect(utc.body).toMatchObject({ from: '2026-03-08T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z', totals: { clicks: 2 } });
    // Instants (what the dashboard sends) are taken as they are, whatever tz.
    const instants = await adv.client.get(`/api/analytics/campaign/${dst._id}?from=2026-03-08T00:00:00-05:00&to=2026-03-09T00:00:00-04:00&tz=America/New_York`);
    expect(instants.body).toMatchObject({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z', totals: { clicks: 2 } });
  });

  it('refuses a date-time without its UTC offset, naming the fix', async () => {
    const res = await adv.client.get(`/api/analytics/campaign/${camp._id}?from=2026-03-08T00:00:00&to=2026-03-09T00:00:00Z&tz=America/New_York`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'from', message: expect.stringContaining('needs its UTC offset') }] });
    expect((await admin.get(`/api/analytics/overview?to=2026-03-09 10:00`)).status).toBe(400);
    expect((await admin.get(`/api/analytics/overview?from=2026-02-30`)).status).toBe(400);
  });
});

describe('affiliate analytics', () => {
  it('shows an affiliate its own numbers by campaign, without the advertiser’s revenue', async () => {
    const res = await aff2.client.get(`/api/analytics/affiliate?${nyQuery}`);
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe('USD');
    expect(res.body.totals).toMatchObject({ clicks: 30, conversions: 2, payoutCents: 1200, revenueCents: null, profitCents: null, epc: '0.4000' });
    expect(res.body.breakdown).toEqual([expect.objectContaining({ key: camp._id, label: 'Winter', currency: 'USD', clicks: 30 })]);
    expect((await aff2.client.get(`/api/analytics/affiliate?affiliateId=${aff1.id}`)).status).toBe(403);
    expect((await admin.get(`/api/analytics/affiliate`)).status).toBe(400);
    const asAdmin = await admin.get(`/api/analytics/affiliate?affiliateId=${aff1.id}&${nyQuery}`);
    expect(asAdmin.body.totals).toMatchObject({ clicks: 10, revenueCents: 1000, profitCents: 300 });
  });

  it('keeps money apart when an affiliate earns in several currencies', async () => {
    const at = T2 + 30 * 60_000;
    await b.addClicks([{ at, campaign: euroCamp, affiliateId: aff2.id }]);
    await b.addConversions([{ at, campaign: euroCamp, affiliateId: aff2.id, status: 'approved', revenueCents: 900, payoutCents: 600 }]);
    await markHoursDirty(ctx.db, [at]);
    const res = await aff2.client.get(`/api/analytics/affiliate?${nyQuery}`);
    expect(res.body.currency).toBeNull();
    expect(res.body.totals).toMatchObject({ clicks: 31, conversions: 3, payoutCents: 0, epc: '0.0000' });
    expect(res.body.breakdown.map((r: any) => [r.label, r.currency, r.payoutCents])).toEqual([
      ['Winter', 'USD', 1200],
      ['Euro', 'EUR', 600],
    ]);
    // The headline per currency: each currency's earnings and its EPC over the clicks of campaigns paying in it.
    expect(res.body.byCurrency).toEqual([
      { currency: 'EUR', clicks: 1, conversions: 1, revenueCents: null, payoutCents: 600, profitCents: null, epc: '6.0000' },
      { currency: 'USD', clicks: 30, conversions: 2, revenueCents: null, payoutCents: 1200, profitCents: null, epc: '0.4000' },
    ]);
    const asAdmin = await admin.get(`/api/analytics/affiliate?affiliateId=${aff2.id}&${nyQuery}`);
    expect(asAdmin.body.byCurrency[0]).toMatchObject({ currency: 'EUR', revenueCents: 900, payoutCents: 600, profitCents: 300 });
    const overview = await admin.get(`/api/analytics/overview?${nyQuery}`);
    expect(overview.status).toBe(200);
    expect(overview.body.currency).toBeNull();
    expect(overview.body.totals).toMatchObject({ clicks: 41, conversions: 4, revenueCents: 0 });
    expect(overview.body.byCurrency).toEqual([
      { currency: 'EUR', revenueCents: 900, payoutCents: 600, profitCents: 300 },
      { currency: 'USD', revenueCents: 3000, payoutCents: 1900, profitCents: 1100 },
    ]);
    expect(overview.body.topCampaigns.map((c: any) => [c.name, c.currency, c.conversions, c.revenueCents])).toEqual([
      ['Winter', 'USD', 3, 3000],
      ['Euro', 'EUR', 1, 900],
    ]);
    expect(overview.body.topAffiliates[0]).toMatchObject({ id: aff2.id, name: 'Bob', currency: null, conversions: 3, byCurrency: [{ currency: 'EUR', payoutCents: 600 }, { currency: 'USD', payoutCents: 1200 }] });
    expect((await adv.client.get(`/api/analytics/overview`)).status).toBe(403);

    // The CSVs carry the same: no money where currencies mix, money per currency in its own rows.
    const affCsv = (await aff2.client.get(`/api/analytics/affiliate?${nyQuery}&format=csv`)).text.trim().split('\n');
    expect(affCsv.find((l) => l.startsWith('total,'))).toBe('total,,Total,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,31,31,0,3,2,1,1,0.0968,,,,,,,,');
    expect(affCsv.filter((l) => l.startsWith('by_currency,'))).toEqual([
      `by_currency,EUR,EUR,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,,,,,,,,,,EUR,,600,,,6.00,`,
      `by_currency,USD,USD,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,,,,,,,,,,USD,,1200,,,12.00,`,
    ]);
    expect(affCsv.filter((l) => l.startsWith('breakdown,'))).toEqual([
      // An affiliate does not see the advertiser's revenue nor the margin.
      `breakdown,${camp._id},Winter,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,30,30,0,2,1,1,1,0.0667,0.4000,USD,,1200,,,12.00,`,
      `breakdown,${euroCamp._id},Euro,2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z,,1,1,0,1,1,0,0,1,6.0000,EUR,,600,,,6.00,`,
    ]);
    const ovCsv = (await admin.get(`/api/analytics/overview?${nyQuery}&format=csv`)).text.trim().split('\n');
    const window = '2026-01-14T05:00:00.000Z,2026-01-16T05:00:00.000Z';
    expect(ovCsv.filter((l) => !l.startsWith('series,') && !l.startsWith('section,'))).toEqual([
      `total,,Total,${window},,41,39,1,4,3,1,1,0.0976,,,,,,,,`,
      `by_currency,EUR,EUR,${window},,,,,,,,,,,EUR,900,600,300,9.00,6.00,3.00`,
      `by_currency,USD,USD,${window},,,,,,,,,,,USD,3000,1900,1100,30.00,19.00,11.00`,
      `top_campaigns,${camp._id},Winter,${window},,40,38,1,3,2,1,1,0.075,0.4750,USD,3000,1900,1100,30.00,19.00,11.00`,
      `top_campaigns,${euroCamp._id},Euro,${window},,1,1,0,1,1,0,0,1,6.0000,EUR,900,600,300,9.00,6.00,3.00`,
      `top_affiliates,${aff2.id},Bob,${window},,31,31,0,3,2,1,1,0.0968,,,,,,,,`,
      `top_affiliates,${aff1.id},Alice,${window},,10,8,1,1,1,0,0,0.1,0.7000,USD,1000,700,300,10.00,7.00,3.00`,
      `top_affiliates_by_currency,${aff2.id},Bob,${window},,,,,,,,,,,EUR,900,600,300,9.00,6.00,3.00`,
      `top_affiliates_by_currency,${aff2.id},Bob,${window},,,,,,,,,,,USD,2000,1200,800,20.00,12.00,8.00`,
      `top_affiliates_by_currency,${aff1.id},Alice,${window},,,,,,,,,,,USD,1000,700,300,10.00,7.00,3.00`,
    ]);
  });
});

describe('freshness', () => {
  it('fills the current hour from raw events, fresh to the minute', async () => {
    const now = Date.now();
    await b.addClicks([{ at: now, campaign: camp, affiliateId: aff1.id }, { at: now, campaign: camp, affiliateId: aff1.id }]);
    const q = `from=${new Date(hourStart(now) - HOUR_MS).toISOString()}&granularity=hour`;
    const res = await adv.client.get(`/api/analytics/campaign/${camp._id}?${q}`);
    expect(res.body.totals.clicks).toBe(2);
    expect(res.body.series.at(-1)).toMatchObject({ t: new Date(hourStart(now)).toISOString(), clicks: 2 });
    // Rolled while the hour is still running, it stays served from raw events.
    await rollHours(ctx, [hourStart(now)]);
    await b.addClicks([{ at: Date.now(), campaign: camp, affiliateId: aff1.id }]);
    const again = await adv.client.get(`/api/analytics/campaign/${camp._id}?${q}`);
    expect(again.body.totals.clicks).toBe(3);
  });
});

describe('raw answer sharing', () => {
  it('shares the raw part of reports within ANALYTICS_RAW_CACHE_MS, and reads raw events again without it', async () => {
    const at = Date.UTC(2025, 5, 1, 12, 15);
    const shared = await b.campaign({ name: 'Shared', advertiserId: adv.id });
    await b.addClicks([{ at, campaign: shared, affiliateId: aff1.id }]);
    const clicks = async (cacheMs: number) =>
      (await loadRawRows(ctx, [hourStart(at)], cacheMs)).rows.filter((r) => r.campaignId === shared._id).reduce((n, r) => n + r.clicks, 0);

    expect(await clicks(60_000)).toBe(1);
    await b.addClicks([{ at: at + 1000, campaign: shared, affiliateId: aff1.id }]);
    // Within the minute the same hours are answered from the shared computation...
    expect(await clicks(60_000)).toBe(1);
    // ...which a report without sharing does not use.
    expect(await clicks(0)).toBe(2);
  });
});
