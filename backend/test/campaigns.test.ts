import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { RawEventsBuilder } from './helpers/raw-events-builder';
import type { TestClient } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
let adv: { client: TestClient; id: string };
let other: { client: TestClient; id: string };
let aff: { client: TestClient; id: string };

beforeAll(async () => {
  ctx = await createTestContext({ PUBLIC_TRACKING_URL: 'https://trk.example.net' });
  api = await startTestApi(ctx);
  admin = (await createAdmin(ctx, api.url)).client;
  adv = await approvedAdvertiser(api.url, admin);
  other = await approvedAdvertiser(api.url, admin);
  aff = await approvedAffiliate(api.url, admin);
});
afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

const errorPaths = (body: { error: { details: Array<{ path: string }> } }) => body.error.details.map((d) => d.path).sort();

describe('campaign validation', () => {
  it('creates a CPA campaign with defaults and a postback secret', async () => {
    const res = await adv.client.post('/api/campaigns', cpaCampaign());
    expect(res.status).toBe(201);
    expect(res.body.campaign).toMatchObject({
      status: 'active', currency: 'USD', payoutModel: 'CPA', revenueCents: 1000, payoutCents: 700,
      attributionWindowDays: 30, approvalMode: 'auto', oneConversionPerClick: true, advertiserId: adv.id,
      caps: { dailyConversions: null, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null },
    });
    expect(res.body.campaign.postbackSecret).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.body.campaign.postbackUrl).toBe(
      `https://trk.example.net/api/track/postback?click_id={click_id}&txn_id={txn_id}&token=${res.body.campaign.postbackSecret}`,
    );
  });

  it('creates a CPS campaign in basis points with caps and budget', async () => {
    const res = await adv.client.post('/api/campaigns', {
      name: 'Rev share', destinationUrl: 'https://store.example.com/?c={click_id}', payoutModel: 'CPS', currency: 'eur',
      revenueBps: 1500, payoutBps: 1000, caps: { dailyConversions: 10, totalConversions: 100, dailyBudgetCents: 50_000, totalBudgetCents: 1_000_000 },
      approvalMode: 'manual', autoApproveAfterDays: 30, minClickToConversionSeconds: 5,
    });
    expect(res.status).toBe(201);
    expect(res.body.campaign).toMatchObject({ currency: 'EUR', revenueBps: 1500, payoutBps: 1000, approvalMode: 'manual' });
    expect(res.body.campaign.postbackUrl).toContain('&amount={amount}&currency={currency}');
  });

  it('names the fields a payout model needs', async () => {
    const cps = await adv.client.post('/api/campaigns', { ...cpaCampaign(), payoutModel: 'CPS', revenueCents: null, payoutCents: null });
    expect(cps.status).toBe(400);
    expect(errorPaths(cps.body)).toEqual(['payoutBps', 'revenueBps']);
    const cpa = await adv.client.post('/api/campaigns', { ...cpaCampaign(), payoutCents: undefined });
    expect(errorPaths(cpa.body)).toEqual(['payoutCents']);
  });

  it.each([
    ['a javascript: destination', { destinationUrl: 'javascript:alert(1)' }, 'destinationUrl'],
    ['a relative destination', { destinationUrl: '/landing' }, 'destinationUrl'],
    ['a non-http fallback', { fallbackUrl: 'ftp://x.example.com' }, 'fallbackUrl'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ['fractional cents', { revenueCents: 10.5 }, 'revenueCents'],
    ['negative payout', { payoutCents: -1 }, 'payoutCents'],
    ['a zero cap', { caps: { dailyConversions: 0 } }, 'caps.dailyConversions'],
    ['an unknown cap', { caps: { hourly: 5 } }, 'caps'],
    ['an unknown field', { color: 'red' }, '(root)'],
    ['a bad payout model', { payoutModel: 'CPM' }, 'payoutModel'],
    ['a long attribution window', { attributionWindowDays: 400 }, 'attributionWindowDays'],
    ['an empty name', { name: '  ' }, 'name'],
  ])('refuses %s', async (_label, patch, path) => {
    const res = await adv.client.post('/api/campaigns', { ...cpaCampaign(), ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(errorPaths(res.body)).toContain(path);
  });

  it('accepts macros in the destination', async () => {
    const res = await adv.client.post('/api/campaigns', cpaCampaign({ destinationUrl: 'https://x.example.com/{sub1}/go?c={click_id}&a={aff_id}' }));
    expect(res.status).toBe(201);
  });

  it.each([
    'https://{sub1}/landing',
    'https://shop{sub1}.example.com/landing',
    'https://shop.example.com:{sub2}/landing',
    'https://{sub1}@shop.example.com/landing',
    'https://shop.example.com{sub1}?c={click_id}',
    'https:{sub1}/landing',
    'https:/\t/{sub1}/landing',
  ])('refuses a macro in the scheme, user info, host or port of %j, on create and on edit', async (destinationUrl) => {
    const created = await adv.client.post('/api/campaigns', cpaCampaign({ destinationUrl }));
    expect(created.status).toBe(400);
    expect(created.body.error.details).toContainEqual(expect.objectContaining({ path: 'destinationUrl', message: expect.stringMatching(/only in the path, query or fragment/) }));
    const ok = await adv.client.post('/api/campaigns', cpaCampaign());
    const edited = await adv.client.patch(`/api/campaigns/${ok.body.campaign.id}`, { destinationUrl });
    expect(edited.status).toBe(400);
    expect(errorPaths(edited.body)).toEqual(['destinationUrl']);
  });
});

describe('currency', () => {
  it('changes until the campaign has a conversion (found through the conversions list, by _id), then is fixed', async () => {
    const created = await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Currency' }));
    const id = created.body.campaign.id;
    expect((await adv.client.patch(`/api/campaigns/${id}`, { currency: 'EUR' })).body.campaign.currency).toBe('EUR');
    const b = new RawEventsBuilder(ctx);
    await b.addConversions([{ at: Date.now() - 3_600_000, campaign: { ...created.body.campaign, _id: id, currency: 'EUR' }, affiliateId: aff.id }]);
    const refused = await adv.client.patch(`/api/campaigns/${id}`, { currency: 'USD' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ path: 'currency', message: 'fixed after the first conversion' }]);
    // Another campaign of the advertiser, without conversions, still may.
    const free = await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Currency free' }));
    expect((await adv.client.patch(`/api/campaigns/${free.body.campaign.id}`, { currency: 'GBP' })).status).toBe(200);
  });
});

describe('margin guard', () => {
  const paths = (body: { error: { details: Array<{ path: string }> } }) => body.error.details.map((d) => d.path);

  it('refuses a payout above revenue on create, for fixed amounts and CPS rates', async () => {
    const cpa = await adv.client.post('/api/campaigns', cpaCampaign({ revenueCents: 0, payoutCents: 100_000_000 }));
    expect(cpa.status).toBe(400);
    expect(paths(cpa.body)).toEqual(['payoutCents']);
    const cps = await adv.client.post('/api/campaigns', cpaCampaign({ payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1000, payoutBps: 1001 }));
    expect(paths(cps.body)).toEqual(['payoutBps']);
    const cpc = await adv.client.post('/api/campaigns', cpaCampaign({ payoutModel: 'CPC', revenueCents: 30, payoutCents: 31 }));
    expect(paths(cpc.body)).toEqual(['payoutCents']);
    // Equal is a zero margin, allowed.
    expect((await adv.client.post('/api/campaigns', cpaCampaign({ revenueCents: 700, payoutCents: 700 }))).status).toBe(201);
    // The advertiser cannot opt out on its own: the field is not part of a new campaign.
    expect((await adv.client.post('/api/campaigns', { ...cpaCampaign({ payoutCents: 5000 }), allowNegativeMargin: true })).status).toBe(400);
  });

  it('refuses edits and per-affiliate overrides that pay more than revenue, unless an admin allowed a negative margin', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const edit = await adv.client.patch(`/api/campaigns/${c.id}`, { revenueCents: 500 });
    expect(edit.status).toBe(400);
    expect(paths(edit.body)).toEqual(['payoutCents']);
    const override = await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutCents: 100_000_000_000 });
    expect(override.status).toBe(400);
    expect(paths(override.body)).toEqual(['payoutCents']);
    expect((await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutCents: 1000 })).status).toBe(200);
    // An override that fits now keeps the revenue from dropping below it.
    const lower = await adv.client.patch(`/api/campaigns/${c.id}`, { revenueCents: 800, payoutCents: 600 });
    expect(paths(lower.body)).toEqual([`overrides.${aff.id}.payoutCents`]);

    expect((await adv.client.patch(`/api/campaigns/${c.id}`, { allowNegativeMargin: true })).status).toBe(403);
    const allowed = await admin.patch(`/api/campaigns/${c.id}`, { allowNegativeMargin: true });
    expect(allowed.status).toBe(200);
    expect(allowed.body.campaign.allowNegativeMargin).toBe(true);
    const stored = await ctx.models.Campaign.findById(c.id).lean();
    expect(stored).toMatchObject({ allowNegativeMargin: true, negativeMarginSetBy: expect.any(String), negativeMarginSetAt: expect.any(Date) });
    expect((await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutCents: 5000 })).status).toBe(200);
    expect((await adv.client.patch(`/api/campaigns/${c.id}`, { revenueCents: 100 })).status).toBe(200);
    // Withdrawn again: the negative terms must be fixed in the same edit.
    expect((await admin.patch(`/api/campaigns/${c.id}`, { allowNegativeMargin: false })).status).toBe(400);
  });
});

describe('campaign ownership and visibility', () => {
  it('advertisers see and change only their own; admins see all', async () => {
    const mine = (await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Mine' }))).body.campaign;
    const theirs = (await other.client.post('/api/campaigns', cpaCampaign({ name: 'Theirs' }))).body.campaign;
    const list = await adv.client.get('/api/campaigns?limit=500');
    const ids = list.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect(list.body.items.every((c: { advertiserId: string }) => c.advertiserId === adv.id)).toBe(true);
    expect((await adv.client.get(`/api/campaigns/${theirs.id}`)).status).toBe(404);
    expect((await adv.client.patch(`/api/campaigns/${theirs.id}`, { name: 'hijack' })).status).toBe(404);
    expect((await adv.client.post(`/api/campaigns/${theirs.id}/pause`)).status).toBe(404);
    const all = await admin.get('/api/campaigns?limit=500');
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect((await admin.patch(`/api/campaigns/${theirs.id}`, { name: 'Renamed by admin' })).body.campaign.name).toBe('Renamed by admin');
  });

  it('affiliates see active campaigns only, without revenue, secrets or others’ overrides', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Visible' }))).body.campaign;
    const paused = (await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Paused' }))).body.campaign;
    await adv.client.post(`/api/campaigns/${paused.id}/pause`);
    await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutCents: 800 });
    const list = await aff.client.get('/api/campaigns?limit=500');
    const ids = list.body.items.map((x: { id: string }) => x.id);
    expect(ids).toContain(c.id);
    expect(ids).not.toContain(paused.id);
    const seen = list.body.items.find((x: { id: string }) => x.id === c.id);
    expect(seen.payoutCents).toBe(800);
    for (const hidden of ['revenueCents', 'postbackSecret', 'postbackUrl', 'overrides', 'destinationUrl', 'advertiserId']) expect(seen).not.toHaveProperty(hidden);
    expect((await aff.client.get(`/api/campaigns/${paused.id}`)).status).toBe(404);
    expect((await aff.client.get('/api/campaigns?status=paused')).status).toBe(403);
  });
});

describe('campaign lifecycle', () => {
  it('pauses, resumes and archives; archived is final', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    expect((await adv.client.post(`/api/campaigns/${c.id}/pause`)).body.campaign.status).toBe('paused');
    expect((await adv.client.post(`/api/campaigns/${c.id}/pause`)).status).toBe(409);
    expect((await adv.client.post(`/api/campaigns/${c.id}/resume`)).body.campaign.status).toBe('active');
    expect((await adv.client.post(`/api/campaigns/${c.id}/archive`)).body.campaign.status).toBe('archived');
    expect((await adv.client.post(`/api/campaigns/${c.id}/resume`)).status).toBe(409);
    const edit = await adv.client.patch(`/api/campaigns/${c.id}`, { name: 'x' });
    expect(edit.status).toBe(409);
  });

  it('edits merge caps and re-check payout terms', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign({ caps: { dailyConversions: 5, totalConversions: 50 } }))).body.campaign;
    const res = await adv.client.patch(`/api/campaigns/${c.id}`, { caps: { dailyConversions: 7 }, payoutCents: 650 });
    expect(res.status).toBe(200);
    expect(res.body.campaign.caps).toMatchObject({ dailyConversions: 7, totalConversions: 50 });
    expect(res.body.campaign.payoutCents).toBe(650);
    const bad = await adv.client.patch(`/api/campaigns/${c.id}`, { payoutModel: 'CPS' });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body)).toEqual(['payoutBps', 'revenueBps']);
    const ok = await adv.client.patch(`/api/campaigns/${c.id}`, { payoutModel: 'CPS', revenueBps: 1200, payoutBps: 800 });
    expect(ok.status).toBe(200);
  });

  it('keeps every field an edit does not name, defaults included', async () => {
    const made = {
      currency: 'EUR', attributionWindowDays: 7, approvalMode: 'manual', description: 'Spring offer', allowDeepLink: true,
      fallbackUrl: 'https://shop.example.com/closed', minClickToConversionSeconds: 20, oneConversionPerClick: false, trackSub1: true,
    };
    const c = (await adv.client.post('/api/campaigns', cpaCampaign(made))).body.campaign;
    const res = await adv.client.patch(`/api/campaigns/${c.id}`, { name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body.campaign).toMatchObject({ ...made, name: 'Renamed' });
    const stored = await ctx.models.Campaign.findById(c.id).lean();
    expect(stored).toMatchObject({ ...made, name: 'Renamed' });
  });

  it('rotates the postback secret and keeps the old one valid for a grace period', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const res = await adv.client.post(`/api/campaigns/${c.id}/rotate-secret`);
    expect(res.status).toBe(200);
    expect(res.body.campaign.postbackSecret).not.toBe(c.postbackSecret);
    const stored = await ctx.models.Campaign.findById(c.id).lean();
    expect(stored!.previousPostbackSecret).toBe(c.postbackSecret);
    expect(stored!.previousSecretValidUntil!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('sets per-affiliate overrides that fit the model, and removes them', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const wrong = await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutBps: 500 });
    expect(wrong.status).toBe(400);
    const set = await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutCents: 900 });
    expect(set.body.campaign.overrides).toEqual([{ affiliateId: aff.id, payoutCents: 900, payoutBps: null }]);
    const again = await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutCents: 950 });
    expect(again.body.campaign.overrides).toHaveLength(1);
    expect((await adv.client.put(`/api/campaigns/${c.id}/overrides/${other.id}`, { payoutCents: 1 })).status).toBe(404);
    const del = await adv.client.delete(`/api/campaigns/${c.id}/overrides/${aff.id}`);
    expect(del.body.campaign.overrides).toEqual([]);
  });

  it('keeps overrides set at the same time for different affiliates', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const affiliates = [aff, ...(await Promise.all([1, 2, 3, 4, 5].map(() => approvedAffiliate(api.url, admin))))];
    const answers = await Promise.all(affiliates.map((a, i) => adv.client.put(`/api/campaigns/${c.id}/overrides/${a.id}`, { payoutCents: 800 + i })));
    expect(answers.map((r) => r.status)).toEqual(affiliates.map(() => 200));
    const stored = await ctx.models.Campaign.findById(c.id).lean();
    expect(stored!.overrides.map((o) => [o.affiliateId, o.payoutCents]).sort()).toEqual(affiliates.map((a, i) => [a.id, 800 + i]).sort());
  });

  it('refuses new secrets and payout overrides on archived campaigns', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    await adv.client.post(`/api/campaigns/${c.id}/archive`);
    expect((await adv.client.post(`/api/campaigns/${c.id}/rotate-secret`)).status).toBe(409);
    expect((await adv.client.put(`/api/campaigns/${c.id}/overrides/${aff.id}`, { payoutCents: 900 })).status).toBe(409);
    expect((await ctx.models.Campaign.findById(c.id).lean())!.postbackSecret).toBe(c.postbackSecret);
  });
});

describe('tracking links', () => {
  it('issues one short, unguessable link per campaign × affiliate under PUBLIC_TRACKING_URL', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const first = await aff.client.get(`/api/campaigns/${c.id}/link`);
    expect(first.status).toBe(200);
    expect(first.body.link.id).toMatch(/^[0-9A-Za-z]{10}$/);
    expect(first.body.link.url).toBe(`https://trk.example.net/c/${first.body.link.id}`);
    expect(first.body.link.subIds.params).toEqual(['sub1', 'sub2', 'sub3', 'sub4', 'sub5']);
    const second = await aff.client.get(`/api/campaigns/${c.id}/link`);
    expect(second.body.link.id).toBe(first.body.link.id);
  });

  it('is idempotent under concurrent first requests', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const results = await Promise.all(Array.from({ length: 12 }, () => aff.client.get(`/api/campaigns/${c.id}/link`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.link.id)).size).toBe(1);
    expect(await ctx.models.Link.countDocuments({ campaignId: c.id, affiliateId: aff.id })).toBe(1);
  });

  it('gives different affiliates different links, and lists an affiliate’s own links', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Listed' }))).body.campaign;
    const aff2 = await approvedAffiliate(api.url, admin);
    const a = (await aff.client.get(`/api/campaigns/${c.id}/link`)).body.link.id;
    const b = (await aff2.client.get(`/api/campaigns/${c.id}/link`)).body.link.id;
    expect(a).not.toBe(b);
    const mine = await aff2.client.get('/api/links');
    expect(mine.body.items.map((l: { id: string }) => l.id)).toEqual([b]);
    expect(mine.body.items[0].campaignName).toBe('Listed');
  });

  it('does not issue new links for paused campaigns, but keeps existing ones', async () => {
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const existing = (await aff.client.get(`/api/campaigns/${c.id}/link`)).body.link.id;
    await adv.client.post(`/api/campaigns/${c.id}/pause`);
    expect((await aff.client.get(`/api/campaigns/${c.id}/link`)).body.link.id).toBe(existing);
    const aff2 = await approvedAffiliate(api.url, admin);
    expect((await aff2.client.get(`/api/campaigns/${c.id}/link`)).status).toBe(404);
  });
});
