import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import type { PayoutDoc } from '../src/db/models/payout';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { runPayouts } from '../src/payouts/run';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { allPages } from './helpers/cursor-pages';
import type { TestClient } from './helpers/http-client';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
let advs: Array<{ client: TestClient; id: string }>;
let affs: Array<{ client: TestClient; id: string }>;
const now = Date.now();

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '100' });
  api = await startTestApi(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  advs = [await approvedAdvertiser(api.url, admin, 'Acme Retail'), await approvedAdvertiser(api.url, admin, 'Bolt Games')];
  affs = [];
  for (let i = 0; i < 3; i++) affs.push(await approvedAffiliate(api.url, admin, `Payee ${i}`));
}, 120_000);
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

/** Every page of a page-numbered list. */
async function allNumbered(client: TestClient, path: string, limit: number): Promise<{ rows: Array<Record<string, any>>; total: number }> {
  const rows: Array<Record<string, any>> = [];
  for (let page = 1; ; page++) {
    const res = await client.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}&page=${page}`);
    expect(res.status, res.text).toBe(200);
    rows.push(...res.body.items);
    if (page >= res.body.pages) return { rows, total: res.body.total };
  }
}

describe('campaigns list: advertiser names, filters, CSV', () => {
  const made: Array<{ id: string; name: string; advertiserId: string; payoutModel: string; status: string }> = [];

  beforeAll(async () => {
    for (const [i, adv] of advs.entries()) {
      for (let k = 0; k < 7; k++) {
        const cps = k % 3 === 0;
        const body = cpaCampaign({ name: `${i ? 'Bolt' : 'Acme'} offer ${k}`, ...(cps ? { payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1500, payoutBps: 1000 } : {}) });
        const res = await adv.client.post('/api/campaigns', body);
        expect(res.status, res.text).toBe(201);
        let status = 'active';
        if (k % 4 === 1) {
          expect((await adv.client.post(`/api/campaigns/${res.body.campaign.id}/pause`, {})).status).toBe(200);
          status = 'paused';
        }
        made.push({ id: res.body.campaign.id, name: body.name as string, advertiserId: adv.id, payoutModel: cps ? 'CPS' : 'CPA', status });
      }
    }
  }, 60_000);

  it('admins see every campaign with its advertiser’s name, and the campaign page names it too', async () => {
    const { rows, total } = await allNumbered(admin, '/api/campaigns', 5);
    expect(total).toBe(made.length);
    const names = new Map(advs.map((a, i) => [a.id, i ? 'Bolt Games' : 'Acme Retail']));
    for (const r of rows) expect(r.advertiserName).toBe(names.get(r.advertiserId));
    const one = await admin.get(`/api/campaigns/${made[0]!.id}`);
    expect(one.body.campaign.advertiserName).toBe('Acme Retail');
  });

  it('filters by advertiser, status, payout model and name together, paging exactly', async () => {
    const cases: Array<[string, (c: (typeof made)[number]) => boolean]> = [
      [`advertiserId=${advs[1]!.id}`, (c) => c.advertiserId === advs[1]!.id],
      ['status=paused', (c) => c.status === 'paused'],
      ['payoutModel=CPS', (c) => c.payoutModel === 'CPS'],
      [`advertiserId=${advs[0]!.id}&payoutModel=CPA&status=active`, (c) => c.advertiserId === advs[0]!.id && c.payoutModel === 'CPA' && c.status === 'active'],
      ['q=bolt%20OFFER', (c) => c.name.startsWith('Bolt')],
      ['q=offer%203&payoutModel=CPS', (c) => c.name.endsWith('offer 3') && c.payoutModel === 'CPS'],
    ];
    for (const [query, pick] of cases) {
      const { rows, total } = await allNumbered(admin, `/api/campaigns?${query}&sort=name`, 3);
      const expected = made.filter(pick).map((c) => c.name).sort();
      expect(rows.map((r) => r.name), query).toEqual(expected);
      expect(total, query).toBe(expected.length);
    }
    expect((await admin.get('/api/campaigns?payoutModel=CPX')).status).toBe(400);
  });

  it('advertisers see their own with their name; affiliates see no advertiser', async () => {
    const own = await allNumbered(advs[0]!.client, `/api/campaigns?advertiserId=${advs[1]!.id}&payoutModel=CPS`, 10);
    expect(own.rows.map((r) => r.id).sort()).toEqual(made.filter((c) => c.advertiserId === advs[0]!.id && c.payoutModel === 'CPS').map((c) => c.id).sort());
    for (const r of own.rows) expect(r.advertiserName).toBe('Acme Retail');
    const offers = await affs[0]!.client.get('/api/campaigns?payoutModel=CPA');
    expect(offers.status).toBe(200);
    expect(offers.body.items.length).toBe(made.filter((c) => c.payoutModel === 'CPA' && c.status === 'active').length);
    for (const r of offers.body.items) {
      expect(r).not.toHaveProperty('advertiserName');
      expect(r).not.toHaveProperty('advertiserId');
    }
  });

  it('exports the filtered list as CSV with the advertiser column, per role', async () => {
    const csv = await admin.get(`/api/campaigns?format=csv&status=active&payoutModel=CPA&sort=name`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('id,name,advertiserId,advertiserName,status,payoutModel,currency,revenue,payout,attributionWindowDays,createdAt');
    const expected = made.filter((c) => c.status === 'active' && c.payoutModel === 'CPA').sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(expected.map((c) => c.name));
    expect(lines[1]).toContain(',Acme Retail,active,CPA,USD,10.00,7.00,30,');
    const aff = await affs[0]!.client.get('/api/campaigns?format=csv&payoutModel=CPS');
    expect(aff.text.split('\n')[0]).toBe('id,name,status,payoutModel,currency,payout,attributionWindowDays,createdAt');
    expect(aff.text).toContain(',CPS,USD,10%,30,');
  });
});

describe('payouts list: currency, date range, status scopes; bulk approve', () => {
  let b: RawEventsBuilder;
  let usd: BuiltCampaign;
  let eur: BuiltCampaign;
  let runs = 0;
  const visible = async () => (await ctx.models.Payout.find({ status: { $ne: 'building' } }).lean()) as PayoutDoc[];

  async function payRound(): Promise<void> {
    runs++;
    await b.addConversions(affs.flatMap((a, i) => [usd, eur].map((c, j) => ({ at: now - 10 * DAY_MS + runs * 60_000 + i * 10 + j, campaign: c, affiliateId: a.id, payoutCents: 500 }))));
    await runPayouts(ctx, { runId: `mgr-${runs}`, nowMs: now });
  }

  beforeAll(async () => {
    b = new RawEventsBuilder(ctx);
    usd = await b.campaign({ name: 'Dollars', advertiserId: advs[0]!.id });
    eur = await b.campaign({ name: 'Euros', advertiserId: advs[0]!.id, currency: 'EUR' });
    for (let r = 0; r < 3; r++) await payRound();
  }, 120_000);

  it('filters by currency, affiliate and status at once, totals from counters, paging exactly', async () => {
    const stored = await visible();
    expect(stored).toHaveLength(18);
    // Some payouts move on, so the status scopes have entries coming and going.
    for (const p of stored.slice(0, 6)) expect((await admin.post(`/api/payouts/approve/${p._id}`, {})).status).toBe(200);
    for (const p of stored.slice(0, 2)) expect((await admin.post(`/api/payouts/${p._id}/mark-paid`, {})).status).toBe(200);
    const now18 = await visible();
    const cases: Array<[string, (p: PayoutDoc) => boolean]> = [
      ['currency=eur', (p) => p.currency === 'EUR'],
      ['currency=USD&status=pending_approval', (p) => p.currency === 'USD' && p.status === 'pending_approval'],
      [`affiliateId=${affs[1]!.id}&currency=EUR`, (p) => p.affiliateId === affs[1]!.id && p.currency === 'EUR'],
      [`affiliateId=${affs[0]!.id}&currency=USD&status=approved`, (p) => p.affiliateId === affs[0]!.id && p.currency === 'USD' && p.status === 'approved'],
      ['status=paid', (p) => p.status === 'paid'],
    ];
    for (const [query, pick] of cases) {
      const { rows, total } = await allPages(admin, `/api/payouts?${query}`, 2);
      const expected = now18.filter(pick).map((p) => p._id);
      expect(rows.map((r) => r.id).sort(), query).toEqual(expected.sort());
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      expect(total, query).toBe(expected.length);
    }
    // An affiliate filters its own by currency; another affiliate's id is still a 403.
    const own = await allPages(affs[2]!.client, '/api/payouts?currency=EUR', 1);
    expect(own.rows.map((r) => r.id).sort()).toEqual(now18.filter((p) => p.affiliateId === affs[2]!.id && p.currency === 'EUR').map((p) => p._id).sort());
    expect((await affs[2]!.client.get(`/api/payouts?affiliateId=${affs[0]!.id}&currency=EUR`)).status).toBe(403);
  });

  it('bounds the list by creation time (keyset, total null)', async () => {
    const stored = (await visible()).sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime());
    const mid = stored[Math.floor(stored.length / 2)]!.createdAt;
    const from = mid.toISOString();
    const { rows, total } = await allPages(admin, `/api/payouts?from=${encodeURIComponent(from)}&currency=USD&order=asc`, 2);
    const expected = stored.filter((p) => p.createdAt >= mid && p.currency === 'USD').map((p) => p._id);
    expect(rows.map((r) => r.id)).toEqual(expected);
    expect(total).toBeNull();
    const before = await allPages(admin, `/api/payouts?to=${encodeURIComponent(from)}`, 50);
    expect(before.rows.map((r) => r.id).sort()).toEqual(stored.filter((p) => p.createdAt < mid).map((p) => p._id).sort());
    const csv = await admin.get(`/api/payouts?format=csv&to=${encodeURIComponent(from)}&currency=EUR`);
    expect(csv.text.trim().split('\n')).toHaveLength(1 + stored.filter((p) => p.createdAt < mid && p.currency === 'EUR').length);
    expect((await admin.get('/api/payouts?from=yesterday')).status).toBe(400);
  });

  it('bulk approves pending payouts and refuses the others with their reason', async () => {
    const stored = await visible();
    const pending = stored.filter((p) => p.status === 'pending_approval').slice(0, 4);
    const approved = stored.find((p) => p.status === 'approved')!;
    const paid = stored.find((p) => p.status === 'paid')!;
    const unknown = newId();
    const ids = [...pending.map((p) => p._id), approved._id, paid._id, unknown, pending[0]!._id];
    const res = await admin.post('/api/payouts/bulk-approve', { ids, note: 'month end' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.approved).toBe(4);
    expect(res.body.refused).toBe(3);
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, -1));
    expect(res.body.results.slice(0, 4).every((r: { outcome: string; status: string }) => r.outcome === 'approved' && r.status === 'approved')).toBe(true);
    expect(res.body.results[4]).toMatchObject({ id: approved._id, outcome: 'refused', reason: 'not_allowed', status: 'approved' });
    expect(res.body.results[5]).toMatchObject({ id: paid._id, outcome: 'refused', reason: 'not_allowed', status: 'paid' });
    expect(res.body.results[6]).toMatchObject({ id: unknown, outcome: 'refused', reason: 'not_found', status: null });
    for (const p of pending) {
      const d = await ctx.models.Payout.findById(p._id).lean();
      expect(d?.status).toBe('approved');
      expect(d?.history.at(-1)).toMatchObject({ from: 'pending_approval', to: 'approved', note: 'month end' });
    }
    // The status scopes follow: the approved ones left the pending list and joined the approved one.
    const after = await visible();
    for (const status of ['pending_approval', 'approved'] as const) {
      const { rows, total } = await allPages(admin, `/api/payouts?status=${status}`, 3);
      const expected = after.filter((p) => p.status === status).map((p) => p._id);
      expect(rows.map((r) => r.id).sort(), status).toEqual(expected.sort());
      expect(total).toBe(expected.length);
    }
  });

  it('bulk approval is for admins only and takes 1 to 100 ids', async () => {
    const p = (await visible()).find((x) => x.status === 'pending_approval')!;
    expect((await affs[0]!.client.post('/api/payouts/bulk-approve', { ids: [p._id] })).status).toBe(403);
    expect((await advs[0]!.client.post('/api/payouts/bulk-approve', { ids: [p._id] })).status).toBe(403);
    expect((await admin.post('/api/payouts/bulk-approve', { ids: [] })).status).toBe(400);
    const tooMany = await admin.post('/api/payouts/bulk-approve', { ids: Array.from({ length: 101 }, () => newId()) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].path).toBe('ids');
    expect((await admin.post('/api/payouts/bulk-approve', { ids: ['nope'] })).status).toBe(400);
    expect((await ctx.models.Payout.findById(p._id).lean())?.status).toBe('pending_approval');
  });
});
