import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { approvedAffiliate, register } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';
import { createOffer, eventually, startTrackingStack, type Offer, type TrackingStack } from './helpers/tracking';

/** API keys: created by a signed-in account, shown once, stored hashed, narrowed by their scope, revocable. */
let ctx: AppContext;
let stack: TrackingStack;
let url: string;
let offer: Offer;

beforeAll(async () => {
  ctx = await createTestContext();
  stack = await startTrackingStack(ctx, { worker: false });
  url = stack.api.url;
  offer = await createOffer(ctx, url);
}, 90_000);

afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function keyClient(secret: string): TestClient {
  const c = new TestClient(url);
  c.bearer = secret;
  return c;
}

async function createKey(owner: TestClient, scope: 'read' | 'postbacks' | 'full', name = `${scope} key`) {
  const res = await owner.post('/api/api-keys', { name, scope });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.apiKey.id as string, secret: res.body.secret as string, body: res.body, client: keyClient(res.body.secret) };
}

const adminClient = () => offer.admin.client;

describe('creating, listing and revoking', () => {
  it.each(['admin', 'advertiser', 'affiliate'] as const)('a %s creates a key, sees it listed without its secret, uses it, revokes it', async (role) => {
    const owner = role === 'admin' ? offer.admin : role === 'advertiser' ? offer.advertiser : offer.affiliate;
    const key = await createKey(owner.client, 'full', `${role} integration`);
    expect(key.secret).toMatch(/^ofl_[0-9A-Za-z]{40}$/);
    expect(key.body.apiKey).toMatchObject({ name: `${role} integration`, scope: 'full', userId: owner.id, prefix: key.secret.slice(0, 12), lastUsedAt: null, revokedAt: null });

    const list = await owner.client.get('/api/api-keys');
    expect(list.status).toBe(200);
    expect(list.body.max).toBe(25);
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(key.id);
    expect(list.text).not.toContain(key.secret);
    expect(list.text).not.toContain(sha256(key.secret));

    const me = await key.client.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: owner.id, role });

    const revoked = await owner.client.delete(`/api/api-keys/${key.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey.revokedAt).toBeTruthy();
    expect(revoked.text).not.toContain(key.secret);
    const after = await key.client.get('/api/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
    expect((await owner.client.get('/api/api-keys')).body.items.map((k: { id: string }) => k.id)).not.toContain(key.id);
    // Revoking again: there is no active key with this id.
    expect((await owner.client.delete(`/api/api-keys/${key.id}`)).status).toBe(404);
  });

  it('stores only the SHA-256 of the secret, as the document id', async () => {
    const key = await createKey(offer.advertiser.client, 'read');
    const doc = await ctx.db.collection('api_keys').findOne({ _id: sha256(key.secret) as never });
    expect(doc).toMatchObject({ id: key.id, userId: offer.advertiser.id, scope: 'read', prefix: key.secret.slice(0, 12) });
    for (const name of ['api_keys', 'api_key_ids', 'api_key_sets', 'audit_log']) {
      const all = JSON.stringify(await ctx.db.collection(name).find({}).toArray());
      expect(all, name).not.toContain(key.secret);
    }
  });

  it('is not open to an affiliate that is not approved yet', async () => {
    const pending = await register(url, 'affiliate');
    expect((await pending.client.post('/api/api-keys', { name: 'early', scope: 'read' })).body.error.code).toBe('affiliate_not_approved');
    expect((await pending.client.get('/api/api-keys')).status).toBe(200);
  });

  it('refuses a key of the right shape that was never issued, and bad input', async () => {
    const res = await keyClient(`ofl_${'A'.repeat(40)}`).get('/api/auth/me');
    expect(res.status).toBe(401);
    const bad = await offer.advertiser.client.post('/api/api-keys', { name: '', scope: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'scope']);
  });

  it('answers 404 for another account’s key; an admin may list and revoke any account’s keys', async () => {
    const other = await register(url, 'advertiser');
    const key = await createKey(other.client, 'read');
    expect((await offer.advertiser.client.delete(`/api/api-keys/${key.id}`)).status).toBe(404);
    expect((await offer.advertiser.client.get(`/api/api-keys?userId=${other.id}`)).status).toBe(403);
    const listed = await adminClient().get(`/api/api-keys?userId=${other.id}`);
    expect(listed.body.items.map((k: { id: string }) => k.id)).toEqual([key.id]);
    expect((await adminClient().delete(`/api/api-keys/${key.id}`)).status).toBe(200);
    expect((await key.client.get('/api/campaigns')).status).toBe(401);
  });

  it('holds at most 25 active keys per account, even when created at once', async () => {
    const owner = await approvedAffiliate(url, adminClient());
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => owner.client.post('/api/api-keys', { name: `k${i}`, scope: 'read' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(25);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    const list = await owner.client.get('/api/api-keys');
    expect(list.body.items).toHaveLength(25);
    // Revoking one frees its slot.
    expect((await owner.client.delete(`/api/api-keys/${list.body.items[0].id}`)).status).toBe(200);
    expect((await owner.client.post('/api/api-keys', { name: 'again', scope: 'read' })).status).toBe(201);
  });
});

describe('scopes', () => {
  it('read: GET requests only', async () => {
    const key = await createKey(offer.advertiser.client, 'read');
    expect((await key.client.get('/api/campaigns')).status).toBe(200);
    expect((await key.client.get(`/api/campaigns/${offer.campaign.id}`)).status).toBe(200);
    const write = await key.client.patch(`/api/campaigns/${offer.campaign.id}`, { name: 'Renamed by a read key' });
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({ code: 'forbidden', details: { scope: 'read' } });
    expect((await key.client.post(`/api/campaigns/${offer.campaign.id}/test-postback`)).status).toBe(403);
  });

  it('postbacks: test postbacks and postback lookups, nothing else', async () => {
    const key = await createKey(offer.advertiser.client, 'postbacks');
    const sent = await key.client.post(`/api/campaigns/${offer.campaign.id}/test-postback`);
    expect(sent.status, sent.text).toBe(200);
    expect((await key.client.get(`/api/track/postback/${sent.body.postbackId}`)).status).toBe(200);
    expect((await key.client.get('/api/postbacks')).status).toBe(200);
    expect((await key.client.get('/api/auth/me')).status).toBe(200);
    expect((await key.client.get('/api/campaigns')).status).toBe(403);
    expect((await key.client.get('/api/conversions')).status).toBe(403);
    expect((await key.client.post(`/api/campaigns/${offer.campaign.id}/pause`)).status).toBe(403);
  });

  it('full: what the account may do, without CSRF; never more, and never key management or sign-out', async () => {
    const key = await createKey(offer.advertiser.client, 'full');
    const created = await key.client.post('/api/campaigns', { name: 'Made with a key', destinationUrl: 'https://shop.example.com/?c={click_id}', payoutModel: 'CPA', revenueCents: 500, payoutCents: 200 });
    expect(created.status, created.text).toBe(201);
    expect((await key.client.get('/api/admin/users')).status).toBe(403);
    const mint = await key.client.post('/api/api-keys', { name: 'child', scope: 'full' });
    expect(mint.status).toBe(403);
    expect((await key.client.post('/api/auth/logout')).status).toBe(403);
    expect((await key.client.get('/api/api-keys')).status).toBe(200);

    const affKey = await createKey(offer.affiliate.client, 'full');
    expect((await affKey.client.get('/api/links')).status).toBe(200);
    expect((await affKey.client.post('/api/campaigns', {})).status).toBe(403);
    expect((await affKey.client.get('/api/admin/audit-log')).status).toBe(403);
  });
});

describe('account status', () => {
  it('a suspended advertiser’s key reads but changes nothing, like its sessions; reinstated, it works again', async () => {
    const adv = await register(url, 'advertiser');
    expect((await adminClient().post(`/api/admin/users/${adv.id}/review`, { action: 'approve' })).status).toBe(200);
    const key = await createKey(adv.client, 'full');
    expect((await adminClient().post(`/api/admin/users/${adv.id}/review`, { action: 'suspend', note: 'test' })).status).toBe(200);
    expect((await key.client.get('/api/campaigns')).status).toBe(200);
    const write = await key.client.post('/api/campaigns', { name: 'x' });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('account_suspended');
    expect((await adminClient().post(`/api/admin/users/${adv.id}/review`, { action: 'reinstate', note: 'test' })).status).toBe(200);
    expect((await key.client.post('/api/campaigns', { name: 'x' })).status).toBe(400);
  });

  it('a suspended affiliate’s key is refused like its sessions', async () => {
    const aff = await register(url, 'affiliate');
    expect((await adminClient().post(`/api/admin/affiliates/${aff.id}/approve`, {})).status).toBe(200);
    const key = await createKey(aff.client, 'read');
    expect((await key.client.get('/api/links')).status).toBe(200);
    expect((await adminClient().post(`/api/admin/affiliates/${aff.id}/suspend`, { note: 'test' })).status).toBe(200);
    const res = await key.client.get('/api/links');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('affiliate_not_approved');
    // It may still revoke its keys.
    expect((await aff.client.delete(`/api/api-keys/${key.id}`)).status).toBe(200);
  });
});

describe('audit log and last use', () => {
  it('records who created and revoked which key, readable by admins only', async () => {
    const key = await createKey(offer.affiliate.client, 'postbacks', 'audited');
    expect((await adminClient().delete(`/api/api-keys/${key.id}`)).status).toBe(200);
    const log = await adminClient().get('/api/admin/audit-log?limit=5');
    expect(log.status, log.text).toBe(200);
    const [revoke, create] = log.body.items;
    const prefix = key.secret.slice(0, 12);
    expect(revoke).toMatchObject({ action: 'api_key.revoke', actor: { id: offer.admin.id, role: 'admin', via: 'cookie' }, target: { type: 'api_key', id: key.id }, details: { owner: offer.affiliate.id, prefix, scope: 'postbacks', name: 'audited' } });
    expect(create).toMatchObject({ action: 'api_key.create', actor: { id: offer.affiliate.id, role: 'affiliate' }, target: { id: key.id }, details: { prefix, scope: 'postbacks' } });
    expect(JSON.stringify(log.body)).not.toContain(key.secret);
    const only = await adminClient().get('/api/admin/audit-log?action=api_key.revoke&limit=100');
    expect(only.body.items.every((e: { action: string }) => e.action === 'api_key.revoke')).toBe(true);
    expect(only.body.total).toBe(only.body.items.length);
    expect((await offer.advertiser.client.get('/api/admin/audit-log')).status).toBe(403);
  });

  it('pages the log by cursor', async () => {
    const all = await adminClient().get('/api/admin/audit-log?limit=500');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await adminClient().get(`/api/admin/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((e) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((e: { id: string }) => e.id));
    expect(seen.length).toBe(all.body.total);
  });

  it('sets lastUsedAt on use, at most once a minute per key', async () => {
    const key = await createKey(offer.advertiser.client, 'read');
    expect((await key.client.get('/api/campaigns')).status).toBe(200);
    const used = await eventually(async () => (await offer.advertiser.client.get('/api/api-keys')).body.items.find((k: { id: string; lastUsedAt: string | null }) => k.id === key.id && k.lastUsedAt), 'lastUsedAt to be set');
    expect(Date.parse(used.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Within the minute, further requests write nothing.
    const marker = new Date('2020-01-01T00:00:00Z');
    await ctx.db.collection('api_keys').updateOne({ _id: sha256(key.secret) as never }, { $set: { lastUsedAt: marker } });
    for (let i = 0; i < 3; i++) expect((await key.client.get('/api/campaigns')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const doc = await ctx.db.collection('api_keys').findOne({ _id: sha256(key.secret) as never });
    expect(doc?.lastUsedAt).toEqual(marker);
  });
});
