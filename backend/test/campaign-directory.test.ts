import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CAMPAIGNS, CAMPAIGN_DIRECTORY, putCampaignEntry, readCampaignDirectory } from '../src/campaigns/campaign-directory';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { testClicks } from '../src/db/raw-events';
import type { CampaignDoc } from '../src/db/models/campaign';
import type { ApiServer } from '../src/http/server';
import { LINK_DIRECTORY, LINK_KEYS } from '../src/links/link-directory';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
let adv: { client: TestClient; id: string };
let other: { client: TestClient; id: string };
let gone: { client: TestClient; id: string };
let aff: { client: TestClient; id: string };

const NAMES = ['Alpha Shoes', 'alpha socks', 'Beta (v2) bags', 'beta.bags', 'Gamma', 'Summer Sale', 'summer SALE', 'Zeta', 'Ärger Deals', 'Über Offers', '1-day deal'];
const MODELS = [
  { payoutModel: 'CPA' },
  { payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1000, payoutBps: 500 },
  { payoutModel: 'CPC', revenueCents: 30, payoutCents: 20 },
];

beforeAll(async () => {
  ctx = await createTestContext({ PUBLIC_TRACKING_URL: 'https://trk.example.net' });
  api = await startTestApi(ctx);
  admin = (await createAdmin(ctx, api.url)).client;
  [adv, other, gone, aff] = await Promise.all([approvedAdvertiser(api.url, admin), approvedAdvertiser(api.url, admin), approvedAdvertiser(api.url, admin), approvedAffiliate(api.url, admin)]);
});
afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

type Role = 'admin' | 'advertiser' | 'affiliate';
interface Query {
  page?: number;
  limit?: number;
  sort?: 'createdAt' | 'name' | 'status' | 'payoutModel' | 'attributionWindowDays';
  order?: 'asc' | 'desc';
  status?: string;
  advertiserId?: string;
  q?: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The list as the route computed it before the directory: a query over `campaigns`, then the affiliate's approved-advertiser cut. */
async function before(role: Role, principal: string, q: Query) {
  const filter: Record<string, unknown> = {};
  if (role === 'advertiser') filter.advertiserId = principal;
  if (role === 'admin' && q.advertiserId) filter.advertiserId = q.advertiserId;
  if (role === 'affiliate') filter.status = 'active';
  else if (q.status) filter.status = q.status;
  if (q.q) filter.name = { $regex: escapeRegex(q.q.trim()), $options: 'i' };
  const field = q.sort ?? 'createdAt';
  const dir = (q.order ?? (q.sort === undefined ? 'desc' : 'asc')) === 'asc' ? 1 : -1;
  const page = q.page ?? 1;
  const limit = q.limit ?? 50;
  const [found, total] = await Promise.all([
    ctx.models.Campaign.find(filter).sort({ [field]: dir, _id: dir }).skip((page - 1) * limit).limit(limit).lean(),
    ctx.models.Campaign.countDocuments(filter),
  ]);
  let items = found as CampaignDoc[];
  if (role === 'affiliate') {
    const users = await Promise.all([...new Set(items.map((c) => c.advertiserId))].map((id) => ctx.models.User.findById(id).lean()));
    const live = new Set(users.flatMap((u) => (u && u.status === 'approved' ? [u._id] : [])));
    items = items.filter((c) => live.has(c.advertiserId));
  }
  return { ids: items.map((c) => c._id), total };
}

const qs = (q: Query) => new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();

async function expectSameList(client: TestClient, role: Role, principal: string, q: Query) {
  const res = await client.get(`/api/campaigns?${qs(q)}`);
  expect(res.status, JSON.stringify(q)).toBe(200);
  const want = await before(role, principal, q);
  expect({ q, ids: res.body.items.map((c: { id: string }) => c.id), total: res.body.total }).toEqual({ q, ...want });
  return res.body as { items: Array<{ id: string; name: string; status: string }>; total: number; pages: number };
}

/** Every page of a query, checked against the query over `campaigns`. */
async function expectSamePages(client: TestClient, role: Role, principal: string, q: Query, only?: 'ends') {
  const first = await expectSameList(client, role, principal, { ...q, page: 1 });
  const pages = only === 'ends' ? [first.pages, first.pages + 1] : Array.from({ length: first.pages }, (_, i) => i + 2);
  for (const page of pages) if (page > 1) await expectSameList(client, role, principal, { ...q, page });
  return first.total;
}

describe('campaigns list from the directory', () => {
  it('lists every campaign one advertiser creates at once (no entry lost to a concurrent one)', async () => {
    const made = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        adv.client.post('/api/campaigns', cpaCampaign({ name: `${NAMES[i % NAMES.length]} ${i % 3 === 0 ? '' : i}`.trim(), attributionWindowDays: 1 + (i % 4) * 7, ...MODELS[i % 3] })),
      ),
    );
    expect(made.every((r) => r.status === 201)).toBe(true);
    const list = await adv.client.get('/api/campaigns?limit=500');
    expect(list.body.total).toBe(40);
    expect(new Set(list.body.items.map((c: { id: string }) => c.id))).toEqual(new Set(made.map((r) => r.body.campaign.id)));
    const all = Object.fromEntries(await readCampaignDirectory(ctx.db, ALL_CAMPAIGNS));
    for (const r of made) expect(all[r.body.campaign.id]?.n).toBe(r.body.campaign.name);
  });

  it('returns the rows, order, totals and search results of the query it replaces, for every role, filter, sort and page', async () => {
    for (let i = 0; i < 12; i++) await other.client.post('/api/campaigns', cpaCampaign({ name: NAMES[(i * 5) % NAMES.length], ...MODELS[(i + 1) % 3] }));
    const goneMade = await Promise.all([0, 1, 2].map((i) => gone.client.post('/api/campaigns', cpaCampaign({ name: `Gone ${NAMES[i]}` }))));
    // Some paused, some archived, some renamed; an advertiser suspended (affiliates' pages leave its offers out).
    const mine = (await adv.client.get('/api/campaigns?limit=500')).body.items as Array<{ id: string }>;
    for (const [i, c] of mine.entries()) {
      if (i % 5 === 1) await adv.client.post(`/api/campaigns/${c.id}/pause`);
      if (i % 7 === 2) await adv.client.post(`/api/campaigns/${c.id}/archive`);
      if (i % 6 === 3) await adv.client.patch(`/api/campaigns/${c.id}`, { name: `Renamed ${i}`, attributionWindowDays: 60 });
    }
    expect((await admin.post(`/api/admin/users/${gone.id}/review`, { action: 'suspend', note: 'test' })).status).toBe(200);
    expect(goneMade.every((r) => r.status === 201)).toBe(true);

    const sorts = [undefined, 'createdAt', 'name', 'status', 'payoutModel', 'attributionWindowDays'] as const;
    for (const sort of sorts) {
      for (const order of [undefined, 'asc', 'desc'] as const) {
        await expectSamePages(admin, 'admin', '', { sort, order, limit: 13 });
        await expectSamePages(adv.client, 'advertiser', adv.id, { sort, order, limit: 7 }, 'ends');
        await expectSamePages(aff.client, 'affiliate', aff.id, { sort, order, limit: 8 }, 'ends');
      }
    }
    for (const q of ['alpha', 'ALPHA', 'sale', 'beta.', '(v2)', 'über', 'ärger', '1-', 'renamed', 'nothing like it', '  gamma ']) {
      await expectSamePages(admin, 'admin', '', { q, limit: 5 });
      await expectSamePages(adv.client, 'advertiser', adv.id, { q, sort: 'name', limit: 4 });
      await expectSamePages(aff.client, 'affiliate', aff.id, { q, sort: 'name', order: 'desc', limit: 6 });
    }
    for (const status of ['active', 'paused', 'archived']) {
      await expectSamePages(admin, 'admin', '', { status, sort: 'name', limit: 6 });
      await expectSamePages(admin, 'admin', '', { status, advertiserId: adv.id, limit: 4 });
      await expectSamePages(adv.client, 'advertiser', adv.id, { status, q: 'a', sort: 'attributionWindowDays', order: 'desc', limit: 3 });
    }
    await expectSamePages(admin, 'admin', '', { advertiserId: other.id, sort: 'payoutModel', limit: 5 });
    await expectSamePages(admin, 'admin', '', { advertiserId: newId(), limit: 5 });
    expect(await expectSamePages(aff.client, 'affiliate', aff.id, { status: 'active', limit: 50 })).toBeGreaterThan(0);
  }, 240_000);

  it('shows a rename and a status change at once', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Before Rename' }))).body.campaign;
    expect((await adv.client.patch(`/api/campaigns/${c.id}`, { name: 'Quokka Quest' })).status).toBe(200);
    const found = await adv.client.get('/api/campaigns?q=quokka');
    expect(found.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await adv.client.get('/api/campaigns?q=before%20rename')).body.total).toBe(0);
    expect((await aff.client.get('/api/campaigns?q=quokka')).body.total).toBe(1);
    await adv.client.post(`/api/campaigns/${c.id}/pause`);
    expect((await aff.client.get('/api/campaigns?q=quokka')).body.total).toBe(0);
    expect((await admin.get('/api/campaigns?q=quokka&status=paused')).body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    await adv.client.post(`/api/campaigns/${c.id}/resume`);
    await adv.client.post(`/api/campaigns/${c.id}/archive`);
    expect((await admin.get('/api/campaigns?q=quokka&status=archived')).body.items.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[c.id, 'archived']]);
    const entry = Object.fromEntries(await readCampaignDirectory(ctx.db, `adv:${adv.id}`))[c.id];
    expect(entry).toMatchObject({ n: 'Quokka Quest', s: 'archived' });
  });

  it('skips an entry whose campaign was never stored, and re-checks a stale one against the filter', async () => {
    // An entry written, then the insert failed (here: never made).
    const ghost = newId();
    await putCampaignEntry(ctx.db, { _id: ghost, name: 'Wombat Ghost', status: 'active', advertiserId: adv.id, createdAt: new Date(), payoutModel: 'CPA', attributionWindowDays: 30 }, 0);
    const failed = await ctx.models.Campaign.create({ ...cpaCampaign({ name: 'Wombat Failed' }), advertiserId: adv.id, postbackSecret: 'x', payoutModel: 'NOPE' } as never).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    const real = (await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Wombat Real' }))).body.campaign;
    const list = await adv.client.get('/api/campaigns?q=wombat');
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([real.id]);
    // An entry saying "active" for a campaign that was paused (the write after the entry): not on an affiliate's page.
    await adv.client.post(`/api/campaigns/${real.id}/pause`);
    await putCampaignEntry(ctx.db, { ...(await ctx.models.Campaign.findById(real.id).lean())!, status: 'active' }, 0);
    expect((await aff.client.get('/api/campaigns?q=wombat')).body.items).toEqual([]);
  });
});

describe('links list from the directory', () => {
  it('pages the affiliate’s links (one per campaign however many requests race) with campaign names', async () => {
    const offers = (await aff.client.get('/api/campaigns?limit=500')).body.items as Array<{ id: string; name: string }>;
    expect(offers.length).toBeGreaterThan(10);
    const taken = await Promise.all(offers.flatMap((o) => [aff.client.get(`/api/campaigns/${o.id}/link`), aff.client.get(`/api/campaigns/${o.id}/link`)]));
    expect(taken.every((r) => r.status === 200)).toBe(true);
    for (let i = 0; i < taken.length; i += 2) expect(taken[i]!.body.link.id).toBe(taken[i + 1]!.body.link.id);
    expect(await ctx.models.Link.countDocuments({ affiliateId: aff.id })).toBe(offers.length);
    // Asked again later: the same link, found by key.
    expect((await aff.client.get(`/api/campaigns/${offers[0]!.id}/link`)).body.link.id).toBe(taken[0]!.body.link.id);

    // A campaign renamed after the link was taken shows its new name.
    await adv.client.patch(`/api/campaigns/${offers[0]!.id}`, { name: 'Renamed For Links' }).catch(() => null);
    for (const order of [undefined, 'asc', 'desc'] as const) {
      const dir = order === 'asc' ? 1 : -1;
      const want = await ctx.models.Link.find({ affiliateId: aff.id }).sort({ createdAt: dir, _id: dir }).lean();
      const seen: string[] = [];
      for (let page = 1; page <= Math.ceil(want.length / 4) + 1; page++) {
        const res = await aff.client.get(`/api/links?${qs({ page, limit: 4, sort: order ? 'createdAt' : undefined, order })}`);
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(want.length);
        for (const l of res.body.items as Array<{ id: string; campaignId: string; campaignName: string; campaignStatus: string; createdAt: string }>) {
          const c = (await ctx.models.Campaign.findById(l.campaignId).lean())!;
          expect([l.campaignName, l.campaignStatus]).toEqual([c.name, c.status]);
          seen.push(l.id);
        }
      }
      expect(seen).toEqual(want.map((l) => l._id));
    }
    const other = await approvedAffiliate(api.url, admin);
    expect((await other.client.get('/api/links')).body).toMatchObject({ items: [], total: 0 });
  });
});

describe('backfill', () => {
  it('lists campaigns and links stored before the directories existed, and finds their links by key', async () => {
    const ctx2 = await createTestContext({ PUBLIC_TRACKING_URL: 'https://trk.example.net' });
    const api2 = await startTestApi(ctx2);
    try {
      const admin2 = (await createAdmin(ctx2, api2.url)).client;
      const adv2 = await approvedAdvertiser(api2.url, admin2);
      const aff2 = await approvedAffiliate(api2.url, admin2);
      const camps = await Promise.all(
        [0, 1, 2, 3, 4].map(async (i) => ((await ctx2.models.Campaign.create({ ...cpaCampaign({ name: `Old ${i}` }), currency: 'USD', advertiserId: adv2.id, postbackSecret: `s${i}-${newId()}` } as never)) as unknown as { toObject(): CampaignDoc }).toObject()),
      );
      const links = await Promise.all(
        camps.slice(0, 3).map((c, i) => ctx2.models.Link.create({ _id: `oldlink${i}xx`, campaignId: c._id, affiliateId: aff2.id, advertiserId: adv2.id, createdAt: new Date(Date.now() - (3 - i) * 60_000) })),
      );
      // A newer link of the first campaign, whose id sorts first: the campaign's oldest link is still oldlink0xx.
      const aff3 = await approvedAffiliate(api2.url, admin2);
      await ctx2.models.Link.create({ _id: 'newerlinkx', campaignId: camps[0]!._id, affiliateId: aff3.id, advertiserId: adv2.id, createdAt: new Date() });
      // As a database from before: no directory entries, keys or link entries.
      await Promise.all([CAMPAIGN_DIRECTORY, LINK_DIRECTORY, LINK_KEYS].map((n) => ctx2.db.collection(n).deleteMany({})));

      const all = await admin2.get('/api/campaigns?sort=name&order=asc');
      expect(all.body.items.map((c: { name: string }) => c.name)).toEqual(['Old 0', 'Old 1', 'Old 2', 'Old 3', 'Old 4']);
      expect((await adv2.client.get('/api/campaigns?q=old%203')).body.items.map((c: { id: string }) => c.id)).toEqual([camps[3]!._id]);
      const listed = await aff2.client.get('/api/links');
      expect(listed.body.items.map((l: { id: string; campaignName: string }) => [l.id, l.campaignName])).toEqual(links.map((l, i) => [l._id, `Old ${i}`]).reverse());
      expect((await aff2.client.get(`/api/campaigns/${camps[1]!._id}/link`)).body.link.id).toBe('oldlink1xx');
      // The test postback's click goes to the campaign's oldest link, found through the campaign's entries the backfill wrote.
      const tp = await adv2.client.post(`/api/campaigns/${camps[0]!._id}/test-postback`);
      expect(tp.status).toBe(200);
      expect((await testClicks(ctx2.db).findOne({ _id: tp.body.clickId }))?.linkId).toBe('oldlink0xx');
      expect(await ctx2.db.collection('migrations').countDocuments({ _id: { $in: ['campaign_directory', 'link_directory', 'link_directory_campaigns'] } as never })).toBe(3);
    } finally {
      await api2.close();
      await destroyTestContext(ctx2);
    }
  });
});
