import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAKDOWN_DIMENSIONS, type BreakdownDimension } from '@offerly/contract';
import type { AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { rollHours } from '../src/rollups/hourly';
import { hoursBetween } from '../src/domain/time-buckets';
import { approvedAdvertiser, approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';
import { RawEventsBuilder, type BuiltCampaign, type ClickSpec } from './helpers/raw-events-builder';

/**
 * Breakdowns by country, device, OS, browser and sub2–sub5 through the API,
 * per role: advertisers group their campaigns' traffic, affiliates their own
 * (never another affiliate's, never the advertiser's revenue), admins any.
 */
let ctx: AppContext;
let api: ApiServer;
let b: RawEventsBuilder;
let admin: TestClient;
let adv: { client: TestClient; id: string };
let otherAdv: { client: TestClient; id: string };
let aff1: { client: TestClient; id: string };
let aff2: { client: TestClient; id: string };
let camp: BuiltCampaign;
let clicks: ClickSpec[];
const DAY = Date.UTC(2026, 1, 10);
const NOW_WINDOW = 'from=2026-02-10&to=2026-02-11';

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', ANALYTICS_RAW_CACHE_MS: '0' });
  api = await startTestApi(ctx);
  b = new RawEventsBuilder(ctx);
  admin = (await createAdmin(ctx, api.url)).client;
  adv = await approvedAdvertiser(api.url, admin, 'Acme');
  otherAdv = await approvedAdvertiser(api.url, admin, 'Other');
  aff1 = await approvedAffiliate(api.url, admin, 'Alice');
  aff2 = await approvedAffiliate(api.url, admin, 'Bob');
  camp = await b.campaign({ name: 'Spring', advertiserId: adv.id });
  const at = (h: number, i: number) => DAY + h * 3_600_000 + i * 1000;
  clicks = [
    // Alice: 3 phones from France (Safari on iOS, sub2 a), 2 desktops from Germany (Chrome on Windows, no sub2).
    ...Array.from({ length: 3 }, (_, i) => ({ at: at(9, i), campaign: camp, affiliateId: aff1.id, country: 'FR', device: 'mobile', os: 'iOS', browser: 'Safari', sub2: 'a', sub3: 'x', sub4: 'p', sub5: 'q' })),
    ...Array.from({ length: 2 }, (_, i) => ({ at: at(10, i), campaign: camp, affiliateId: aff1.id, country: 'DE', device: 'desktop', os: 'Windows', browser: 'Chrome', sub3: 'y' })),
    // Bob: 4 tablets, unknown country, sub2 b.
    ...Array.from({ length: 4 }, (_, i) => ({ at: at(11, i), campaign: camp, affiliateId: aff2.id, country: 'ZZ', device: 'tablet', os: 'Android', browser: 'Chrome', sub2: 'b', sub5: 'q' })),
  ];
  await b.addClicks(clicks);
  // Each conversion carries its click's classification and sub IDs, as the postback worker copies them.
  await b.addConversions([
    { at: at(9, 60), campaign: camp, affiliateId: aff1.id, status: 'approved', revenueCents: 1000, payoutCents: 700, country: 'FR', device: 'mobile', os: 'iOS', browser: 'Safari', sub2: 'a', sub3: 'x', sub4: 'p', sub5: 'q' },
    { at: at(11, 60), campaign: camp, affiliateId: aff2.id, status: 'pending', revenueCents: 1000, payoutCents: 500, country: 'ZZ', device: 'tablet', os: 'Android', browser: 'Chrome', sub2: 'b', sub5: 'q' },
  ]);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

type Row = { key: string; label: string; clicks: number; conversions: number; payoutCents: number; revenueCents: number | null };

const clicksBy = (dim: BreakdownDimension, only?: string) => {
  const out: Record<string, number> = {};
  for (const c of clicks) if (!only || c.affiliateId === only) out[String(c[dim] ?? '')] = (out[String(c[dim] ?? '')] ?? 0) + 1;
  return out;
};

const byKey = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.key, r.clicks]));

describe('breakdowns by country, device, OS, browser and sub2–sub5', () => {
  it('group an advertiser’s campaign by each of them, with readable labels, from raw events and after the rollup alike', async () => {
    for (const phase of ['raw', 'rolled']) {
      if (phase === 'rolled') await rollHours(ctx, hoursBetween(DAY, DAY + 86_400_000));
      for (const dim of BREAKDOWN_DIMENSIONS) {
        const res = await adv.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=${dim}`);
        expect(res.status).toBe(200);
        expect({ phase, dim, rows: byKey(res.body.breakdown) }).toEqual({ phase, dim, rows: clicksBy(dim) });
      }
      const byCountry = (await adv.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=country`)).body.breakdown as Row[];
      // Most conversions first, then clicks.
      expect(byCountry.map((r) => [r.key, r.label, r.conversions, r.revenueCents])).toEqual([
        ['ZZ', 'Unknown', 1, 1000],
        ['FR', 'France', 1, 1000],
        ['DE', 'Germany', 0, 0],
      ]);
      const byDevice = (await adv.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=device`)).body.breakdown as Row[];
      expect(byDevice.map((r) => r.label)).toEqual(['Tablet', 'Mobile', 'Desktop']);
      const bySub2 = (await adv.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=sub2`)).body.breakdown as Row[];
      expect(bySub2.find((r) => r.key === '')).toMatchObject({ label: '(none)', clicks: 2 });
    }
  }, 60_000);

  it('are refused to another advertiser and to affiliates on the campaign report', async () => {
    expect((await otherAdv.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=device`)).status).toBe(404);
    expect((await aff1.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=device`)).status).toBe(403);
    expect((await admin.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=device`)).body.breakdown).toHaveLength(3);
  });

  it('group an affiliate’s own traffic only, without revenue, also within one campaign; admins see any affiliate’s with revenue', async () => {
    for (const dim of BREAKDOWN_DIMENSIONS) {
      const own = await aff1.client.get(`/api/analytics/affiliate?${NOW_WINDOW}&groupBy=${dim}`);
      expect(own.status).toBe(200);
      expect({ dim, rows: byKey(own.body.breakdown) }).toEqual({ dim, rows: clicksBy(dim, aff1.id) });
      const inCampaign = await aff2.client.get(`/api/analytics/affiliate?${NOW_WINDOW}&campaignId=${camp._id}&groupBy=${dim}`);
      expect({ dim, rows: byKey(inCampaign.body.breakdown) }).toEqual({ dim, rows: clicksBy(dim, aff2.id) });
    }
    const own = (await aff1.client.get(`/api/analytics/affiliate?${NOW_WINDOW}&groupBy=device`)).body.breakdown as Array<Row & { currency: string }>;
    expect(own).toEqual([
      expect.objectContaining({ key: 'mobile', label: 'Mobile', currency: 'USD', clicks: 3, conversions: 1, payoutCents: 700, revenueCents: null, profitCents: null }),
      expect.objectContaining({ key: 'desktop', label: 'Desktop', clicks: 2, conversions: 0 }),
    ]);
    expect((await aff1.client.get(`/api/analytics/affiliate?${NOW_WINDOW}&affiliateId=${aff2.id}&groupBy=device`)).status).toBe(403);
    const asAdmin = await admin.get(`/api/analytics/affiliate?${NOW_WINDOW}&affiliateId=${aff2.id}&groupBy=browser`);
    expect(asAdmin.body.breakdown).toEqual([expect.objectContaining({ key: 'Chrome', clicks: 4, revenueCents: 1000, payoutCents: 500 })]);
    // Without groupBy the affiliate report stays by campaign.
    expect((await aff1.client.get(`/api/analytics/affiliate?${NOW_WINDOW}`)).body.breakdown).toEqual([expect.objectContaining({ key: camp._id, label: 'Spring' })]);
  });

  it('refuse a grouping a report does not have', async () => {
    const bad = await adv.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=campaign`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await aff1.client.get(`/api/analytics/affiliate?${NOW_WINDOW}&groupBy=affiliate`)).status).toBe(400);
    expect((await aff1.client.get(`/api/analytics/affiliate?${NOW_WINDOW}&groupBy=city`)).status).toBe(400);
  });

  it('export the same breakdown as CSV', async () => {
    const csv = await adv.client.get(`/api/analytics/campaign/${camp._id}?${NOW_WINDOW}&groupBy=country&format=csv`);
    expect(csv.status).toBe(200);
    const rows = csv.text.trim().split('\n').filter((l) => l.startsWith('breakdown,'));
    expect(rows.map((l) => l.split(',').slice(0, 3).concat(l.split(',')[6] ?? ''))).toEqual([
      ['breakdown', 'ZZ', 'Unknown', '4'],
      ['breakdown', 'FR', 'France', '3'],
      ['breakdown', 'DE', 'Germany', '2'],
    ]);
    const aff = await aff1.client.get(`/api/analytics/affiliate?${NOW_WINDOW}&groupBy=os&format=csv`);
    expect(aff.text.trim().split('\n').filter((l) => l.startsWith('breakdown,')).map((l) => l.split(',').slice(0, 3))).toEqual([
      ['breakdown', 'iOS', 'iOS'],
      ['breakdown', 'Windows', 'Windows'],
    ]);
  });
});
