import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_LIST } from '../src/accounts/user-list';
import type { AppContext } from '../src/context';
import { listScopes } from '../src/db/list-buckets';
import type { CampaignDoc } from '../src/db/models/campaign';
import { USER_STATUSES } from '../src/db/models/user';
import { startApiServer, type ApiServer } from '../src/http/server';
import { getOrCreateLink } from '../src/links/links';
import { startClickTracking } from '../src/tracking';
import { startWorkers } from '../src/workers';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, register } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';
import { insertClick } from './helpers/postbacks';
import { click, eventually, startTrackingStack, storedClick, storedClicksWhere, type TrackingStack } from './helpers/tracking';

/**
 * Advertisers start pending; an admin approves, rejects, suspends or reinstates
 * them. Until approved, and while suspended, their offers take no traffic:
 * clicks go to the fallback on every API instance at once.
 */

const DESTINATION = /^https:\/\/shop\.example\.com\/landing\?cid=/;
const FALLBACK = 'https://shop.example.com/';

let ctx: AppContext;
let stack: TrackingStack;
/** A second API instance with its own link cache, as behind a load balancer. */
let second: ApiServer;
let stopWorkers: () => Promise<void>;
let admin: { client: TestClient; id: string };
let aff: { client: TestClient; id: string };

beforeAll(async () => {
  // A cache TTL of an hour: only the invalidation can make a change show.
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', LINK_CACHE_TTL_MS: '3600000' });
  stack = await startTrackingStack(ctx);
  const tracking = await startClickTracking(ctx);
  second = await startApiServer(ctx, { port: 0, host: '127.0.0.1', fastPaths: [tracking.fastPath] });
  stopWorkers = await startWorkers(ctx, ['conversions']);
  admin = await createAdmin(ctx, stack.api.url);
  aff = await approvedAffiliate(stack.api.url, admin.client);
}, 60_000);

afterAll(async () => {
  await stopWorkers?.();
  await second?.close();
  await stack?.close();
  await destroyTestContext(ctx);
});

const review = (id: string, action: string, note = '', by: TestClient = admin.client) => by.post(`/api/admin/users/${id}/review`, { action, note });

/** A click on each API instance; both must agree. */
async function clickBoth(linkId: string): Promise<string[]> {
  const out: string[] = [];
  for (const base of [stack.api.url, second.url]) {
    const c = await click(base, `/c/${linkId}`);
    expect(c.status).toBe(302);
    out.push(c.location!);
  }
  return out;
}

async function counters(scope: string): Promise<Record<string, number>> {
  const doc = await listScopes(ctx.db).findOne({ _id: `${USER_LIST}|${scope}` });
  return Object.fromEntries(USER_STATUSES.map((s) => [s, (doc?.[s] as number | undefined) ?? 0]));
}

describe('advertiser approval', () => {
  it('a new advertiser is pending; it may prepare campaigns, which affiliates neither see nor link to, and its clicks go to the fallback until an admin approves it', async () => {
    const before = await counters('role:advertiser');
    const adv = await register(stack.api.url, 'advertiser');
    const me = await adv.client.get('/api/auth/me');
    expect(me.body.user).toMatchObject({ role: 'advertiser', status: 'pending' });
    expect(await counters('role:advertiser')).toEqual({ ...before, pending: before.pending! + 1 });

    const created = await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Waiting room' }));
    expect(created.status).toBe(201);
    const id = created.body.campaign.id as string;
    expect((await adv.client.patch(`/api/campaigns/${id}`, { name: 'Waiting room 2' })).status).toBe(200);
    expect((await adv.client.post(`/api/campaigns/${id}/pause`)).status).toBe(200);
    expect((await adv.client.post(`/api/campaigns/${id}/resume`)).status).toBe(200);

    const listed = await aff.client.get('/api/campaigns?limit=500');
    expect(listed.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await aff.client.get(`/api/campaigns/${id}`)).status).toBe(404);
    expect((await aff.client.get(`/api/campaigns/${id}/link`)).status).toBe(404);

    // Even a link that exists (taken some other way) sends nobody to the offer.
    const campaign = (await ctx.models.Campaign.findById(id).lean()) as CampaignDoc;
    const link = await getOrCreateLink(ctx, campaign, aff.id);
    for (const location of await clickBoth(link._id)) expect(location).toBe(FALLBACK);

    const approved = await review(adv.id, 'approve', 'KYC done');
    expect(approved.status).toBe(200);
    expect(approved.body.user).toMatchObject({ id: adv.id, role: 'advertiser', status: 'approved' });
    expect(approved.body.user.statusHistory.at(-1)).toMatchObject({ by: admin.id, from: 'pending', to: 'approved', note: 'KYC done' });
    expect(await counters('role:advertiser')).toEqual({ ...before, approved: before.approved! + 1 });

    for (const location of await clickBoth(link._id)) expect(location).toMatch(DESTINATION);
    expect((await aff.client.get(`/api/campaigns/${id}/link`)).status).toBe(200);
    const visible = await aff.client.get('/api/campaigns?limit=500');
    expect(visible.body.items.map((c: { id: string }) => c.id)).toContain(id);
  });

  it('stores the clicks of an advertiser awaiting approval as invalid (advertiser_inactive)', async () => {
    const adv = await register(stack.api.url, 'advertiser');
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const link = await getOrCreateLink(ctx, (await ctx.models.Campaign.findById(c.id).lean()) as CampaignDoc, aff.id);
    const res = await click(stack.api.url, `/c/${link._id}`);
    expect(res.location).toBe(FALLBACK);
    const stored = await eventually(async () => (await storedClicksWhere(ctx, { linkId: link._id }))[0], 'the blocked click');
    expect(stored).toMatchObject({ valid: 0, invalid: 1, reason: 'advertiser_inactive' });
  });

  it('suspending an advertiser sends its campaigns’ traffic to the fallback on every API instance; reinstating restores it; it keeps read access but writes answer 403 account_suspended', async () => {
    const adv = await approvedAdvertiser(stack.api.url, admin.client);
    const c = (await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Suspendable' }))).body.campaign;
    const linkId = (await aff.client.get(`/api/campaigns/${c.id}/link`)).body.link.id as string;
    for (const location of await clickBoth(linkId)) expect(location).toMatch(DESTINATION); // both caches now hold the link
    // A click from before the suspension: the advertiser still owes its conversion.
    const earlier = await insertClick(ctx, { id: c.id, advertiserId: adv.id, currency: 'USD', linkId, affiliateId: aff.id });

    const before = await counters('role:advertiser');
    const suspended = await review(adv.id, 'suspend', 'chargebacks');
    expect(suspended.status).toBe(200);
    expect(suspended.body.user.status).toBe('suspended');
    expect(await counters('role:advertiser')).toEqual({ ...before, approved: before.approved! - 1, suspended: before.suspended! + 1 });

    for (const location of await clickBoth(linkId)) expect(location).toBe(FALLBACK);
    // The campaign itself is untouched: reinstating needs no resume by the advertiser.
    expect((await ctx.models.Campaign.findById(c.id).lean())?.status).toBe('active');
    expect((await aff.client.get(`/api/campaigns?limit=500`)).body.items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    expect((await aff.client.get(`/api/campaigns/${c.id}/link`)).status).toBe(200); // its existing link, which redirects to the fallback

    // Read-only: it sees its records; it cannot change them.
    expect((await adv.client.get('/api/auth/me')).body.user.status).toBe('suspended');
    expect((await adv.client.get(`/api/campaigns/${c.id}`)).status).toBe(200);
    expect((await adv.client.get('/api/conversions')).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/campaigns', cpaCampaign()],
      ['PATCH', `/api/campaigns/${c.id}`, { name: 'x' }],
      ['POST', `/api/campaigns/${c.id}/pause`, {}],
      ['POST', `/api/campaigns/${c.id}/rotate-secret`, {}],
    ] as const) {
      const res = await adv.client.request(method, path, body);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code, path).toBe('account_suspended');
    }

    // A postback for the click made before the suspension is accepted and attributed.
    const secret = (await ctx.models.Campaign.findById(c.id).lean())!.postbackSecret;
    const res = await fetch(`${stack.api.url}/api/track/postback?${new URLSearchParams({ click_id: earlier, txn_id: 'owed-1', token: secret })}`);
    const body = (await res.json()) as { accepted: boolean; id: string };
    expect(body.accepted).toBe(true);
    const outcome = await eventually(async () => {
      const r = await admin.client.get(`/api/track/postback/${body.id}`);
      return r.status === 200 && r.body.postback.state !== 'queued' ? r.body.postback : undefined;
    }, 'the postback to be processed');
    expect(outcome).toMatchObject({ state: 'attributed' });

    const reinstated = await review(adv.id, 'reinstate', 'settled');
    expect(reinstated.status).toBe(200);
    expect(reinstated.body.user.statusHistory.slice(-2)).toMatchObject([
      { from: 'approved', to: 'suspended', note: 'chargebacks', by: admin.id },
      { from: 'suspended', to: 'approved', note: 'settled', by: admin.id },
    ]);
    expect(await counters('role:advertiser')).toEqual(before);
    for (const location of await clickBoth(linkId)) expect(location).toMatch(DESTINATION);
    expect((await adv.client.patch(`/api/campaigns/${c.id}`, { name: 'Back' })).status).toBe(200);
  });

  it('a rejected advertiser is read-only and gets no traffic; it can be reconsidered with approve', async () => {
    const adv = await register(stack.api.url, 'advertiser');
    expect((await review(adv.id, 'reject', 'no website')).body.user.status).toBe('rejected');
    const res = await adv.client.post('/api/campaigns', cpaCampaign());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('account_suspended');
    expect((await adv.client.get('/api/campaigns')).status).toBe(200);
    expect((await review(adv.id, 'approve', 'reconsidered')).body.user.status).toBe('approved');
  });

  it('refuses transitions that do not apply with 409, leaving status and counters alone', async () => {
    const pending = await register(stack.api.url, 'advertiser');
    const approved = await approvedAdvertiser(stack.api.url, admin.client);
    const before = await counters('role:advertiser');
    for (const [id, action] of [
      [pending.id, 'suspend'],
      [pending.id, 'reinstate'],
      [approved.id, 'approve'],
      [approved.id, 'reject'],
      [approved.id, 'reinstate'],
    ] as const) {
      const res = await review(id, action);
      expect(res.status, action).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    expect(await counters('role:advertiser')).toEqual(before);
    expect((await ctx.models.User.findById(pending.id).lean())?.status).toBe('pending');
  });

  it('reviews affiliates through the same route; the affiliates route keeps working', async () => {
    const a = await register(stack.api.url, 'affiliate');
    expect((await review(a.id, 'approve')).body.user.status).toBe('approved');
    expect((await review(a.id, 'suspend', 'fraud')).body.user.status).toBe('suspended');
    expect((await review(a.id, 'reinstate')).body.user.status).toBe('approved');
    expect((await admin.client.post(`/api/admin/affiliates/${a.id}/suspend`, { note: 'again' })).body.affiliate.status).toBe('suspended');
  });

  it('answers 400 for bad input, 404 for admins and unknown ids, 403 for anyone but an admin', async () => {
    const adv = await register(stack.api.url, 'advertiser');
    for (const body of [{ action: 'promote' }, {}, { action: 'approve', note: 'x'.repeat(501) }, { action: 'approve', extra: 1 }, { action: 'approve', note: 5 }]) {
      const res = await admin.client.post(`/api/admin/users/${adv.id}/review`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const badId = await review('not-an-id', 'approve');
    expect(badId.status).toBe(400);
    expect(badId.body.error.details[0].path).toBe('id');
    expect((await review(admin.id, 'suspend')).status).toBe(404);
    expect((await review('bbbbbbbbbbbbbbbbbbbbbbbb', 'approve')).status).toBe(404);

    const other = await approvedAdvertiser(stack.api.url, admin.client);
    for (const caller of [adv.client, other.client, aff.client]) {
      const res = await review(adv.id, 'approve', '', caller);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await ctx.models.User.findById(adv.id).lean())?.status).toBe('pending');
  });
});

describe('ADVERTISER_APPROVAL=auto', () => {
  let auto: AppContext;
  let api: TrackingStack;
  beforeAll(async () => {
    auto = await createTestContext({ ADVERTISER_APPROVAL: 'auto' });
    api = await startTrackingStack(auto);
  });
  afterAll(async () => {
    await api?.close();
    if (auto) await destroyTestContext(auto);
  });

  it('approves advertisers at registration, recorded as such; affiliates still wait', async () => {
    const adv = await register(api.api.url, 'advertiser');
    expect((await adv.client.get('/api/auth/me')).body.user.status).toBe('approved');
    const doc = await auto.models.User.findById(adv.id).lean();
    expect(doc?.statusHistory).toMatchObject([{ by: null, from: null, to: 'approved', note: 'registered (approval not required)' }]);
    const a = await register(api.api.url, 'affiliate');
    expect((await a.client.get('/api/auth/me')).body.user.status).toBe('pending');

    const localAdmin = await createAdmin(auto, api.api.url);
    const localAff = await approvedAffiliate(api.api.url, localAdmin.client);
    const c = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const link = await localAff.client.get(`/api/campaigns/${c.id}/link`);
    expect(link.status).toBe(200);
    const res = await click(api.api.url, `/c/${link.body.link.id}`);
    expect(res.location).toMatch(DESTINATION);
    await storedClick(auto, res.clickId!);
  });
});
