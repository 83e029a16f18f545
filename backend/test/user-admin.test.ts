import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, login, PASSWORD, register, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';

const NEW_PASSWORD = 'violet tugboat sandwich 42';

let ctx: AppContext;
let api: ApiServer;
let admin: { client: TestClient; id: string; email: string };

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', LOGIN_MAX_PER_ACCOUNT: '1000' });
  api = await startTestApi(ctx);
  admin = await createAdmin(ctx, api.url);
}, 60_000);
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

const anonymous = () => new TestClient(api.url);
const bearerOf = (token: string) => Object.assign(new TestClient(api.url), { bearer: token });
const auditActions = async (action: string) => (await admin.client.get(`/api/admin/audit-log?action=${action}&limit=100`)).body.items as Array<{ target: { id: string }; details: Record<string, unknown>; actor: { id: string } | null }>;

describe('password reset by a one-time code', () => {
  it('only admins issue codes, for advertisers and affiliates', async () => {
    const adv = await approvedAdvertiser(api.url, admin.client);
    const aff = await approvedAffiliate(api.url, admin.client);
    expect((await anonymous().post(`/api/admin/users/${adv.id}/password-reset`, {})).status).toBe(401);
    expect((await adv.client.post(`/api/admin/users/${aff.id}/password-reset`, {})).status).toBe(403);
    expect((await aff.client.post(`/api/admin/users/${adv.id}/password-reset`, {})).status).toBe(403);
    // Another admin's account is not for an admin to take over.
    const other = await createAdmin(ctx, api.url);
    expect((await admin.client.post(`/api/admin/users/${other.id}/password-reset`, {})).status).toBe(404);
    expect((await admin.client.post(`/api/admin/users/${'a'.repeat(24)}/password-reset`, {})).status).toBe(404);
  });

  it('the code sets a new password once, signs out every session and is audited; only its hash is stored', async () => {
    const aff = await approvedAffiliate(api.url, admin.client);
    const second = await login(api.url, aff.email);
    const issued = await admin.client.post(`/api/admin/users/${aff.id}/password-reset`, {});
    expect(issued.status, issued.text).toBe(200);
    const { code, expiresAt } = issued.body as { code: string; expiresAt: string };
    expect(Buffer.from(code, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const hash = crypto.createHash('sha256').update(code).digest('hex');
    expect(await ctx.db.collection('password_resets').findOne({ _id: hash as never })).not.toBeNull();
    expect(await ctx.db.collection('password_resets').findOne({ _id: code as never })).toBeNull();
    // Issuing changes nothing yet.
    expect((await aff.client.get('/api/auth/me')).status).toBe(200);

    // Another account's email with this code, a wrong code: the same 401.
    const stranger = await register(api.url, 'advertiser');
    expect((await anonymous().post('/api/auth/password-reset', { email: stranger.email, code, password: NEW_PASSWORD })).status).toBe(401);
    expect((await anonymous().post('/api/auth/password-reset', { email: aff.email, code: `${code}x`, password: NEW_PASSWORD })).status).toBe(401);
    // A weak password is refused before the code is spent.
    expect((await anonymous().post('/api/auth/password-reset', { email: aff.email, code, password: 'password1' })).status).toBe(400);

    const used = await anonymous().post('/api/auth/password-reset', { email: aff.email.toUpperCase(), code, password: NEW_PASSWORD });
    expect(used.status, used.text).toBe(200);
    expect((await aff.client.get('/api/auth/me')).status).toBe(401);
    expect((await second.get('/api/auth/me')).status).toBe(401);
    expect((await anonymous().post('/api/auth/login', { email: aff.email, password: PASSWORD })).status).toBe(401);
    const fresh = await login(api.url, aff.email, NEW_PASSWORD);
    expect((await fresh.get('/api/auth/me')).status).toBe(200);
    // Single use.
    expect((await anonymous().post('/api/auth/password-reset', { email: aff.email, code, password: 'another fine password 77' })).status).toBe(401);

    const issuedLog = (await auditActions('user.password_reset_issued')).find((e) => e.target.id === aff.id);
    expect(issuedLog?.actor?.id).toBe(admin.id);
    expect(JSON.stringify(issuedLog)).not.toContain(code);
    expect((await auditActions('user.password_reset_used')).some((e) => e.target.id === aff.id)).toBe(true);
  });

  it('an expired code is refused', async () => {
    const adv = await approvedAdvertiser(api.url, admin.client);
    const { code } = (await admin.client.post(`/api/admin/users/${adv.id}/password-reset`, {})).body as { code: string };
    const hash = crypto.createHash('sha256').update(code).digest('hex');
    await ctx.db.collection('password_resets').updateOne({ _id: hash as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await anonymous().post('/api/auth/password-reset', { email: adv.email, code, password: NEW_PASSWORD })).status).toBe(401);
    expect((await adv.client.get('/api/auth/me')).status).toBe(200);
  });

  it('wrong codes count against the login limits', async () => {
    const limited = await createTestContext({ LOGIN_MAX_PER_ACCOUNT_IP: '3' });
    const limitedApi = await startTestApi(limited);
    try {
      const aff = await register(limitedApi.url, 'affiliate');
      const c = new TestClient(limitedApi.url);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await c.post('/api/auth/password-reset', { email: aff.email, code: `wrong-${i}`, password: NEW_PASSWORD })).status);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      // The same budget as signing in.
      expect((await c.post('/api/auth/login', { email: aff.email, password: PASSWORD })).status).toBe(429);
    } finally {
      await limitedApi.close();
      await destroyTestContext(limited);
    }
  });
});

describe('own password and other sessions', () => {
  it('changing the password needs the current one, ends the other sessions and keeps this one', async () => {
    const adv = await approvedAdvertiser(api.url, admin.client);
    const other = await login(api.url, adv.email);
    expect((await anonymous().post('/api/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(401);
    const wrong = await adv.client.post('/api/auth/password', { currentPassword: 'not it at all', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].path).toBe('currentPassword');
    expect((await adv.client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'password1' })).status).toBe(400);

    const changed = await adv.client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.status, changed.text).toBe(200);
    expect(typeof changed.body.token).toBe('string');
    expect((await adv.client.get('/api/auth/me')).status).toBe(200);
    expect((await bearerOf(changed.body.token).get('/api/auth/me')).status).toBe(200);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    await login(api.url, adv.email, NEW_PASSWORD);
    expect((await auditActions('user.password_change')).some((e) => e.target.id === adv.id)).toBe(true);
  });

  it('"sign out other sessions" ends every other token (cookie and bearer) but not the current one, for each role', async () => {
    const aff = await approvedAffiliate(api.url, admin.client);
    const pending = await register(api.url, 'affiliate');
    for (const who of [{ email: admin.email }, aff, pending]) {
      const current = await login(api.url, who.email);
      const cookieSession = await login(api.url, who.email);
      const bearerLogin = await anonymous().post('/api/auth/login', { email: who.email, password: PASSWORD });
      const bearerSession = bearerOf(bearerLogin.body.token);
      expect((await bearerSession.get('/api/auth/me')).status).toBe(200);

      const res = await current.post('/api/auth/sessions/sign-out-others', {});
      expect(res.status, res.text).toBe(200);
      expect((await current.get('/api/auth/me')).status).toBe(200);
      expect((await current.get('/api/api-keys')).status).toBe(200);
      expect((await cookieSession.get('/api/auth/me')).status).toBe(401);
      expect((await bearerSession.get('/api/auth/me')).status).toBe(401);
      // The old password still signs in: only sessions ended.
      expect((await (await login(api.url, who.email)).get('/api/auth/me')).status).toBe(200);
    }
    admin.client = await login(api.url, admin.email);
    expect((await anonymous().post('/api/auth/sessions/sign-out-others', {})).status).toBe(401);
  });

  it('an API key cannot change the password or end sessions', async () => {
    const adv = await approvedAdvertiser(api.url, admin.client);
    const key = await adv.client.post('/api/api-keys', { name: 'ci', scope: 'full' });
    expect(key.status, key.text).toBe(201);
    const byKey = bearerOf(key.body.secret);
    expect((await byKey.post('/api/auth/sessions/sign-out-others', {})).status).toBe(403);
    expect((await byKey.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(403);
    expect((await adv.client.get('/api/auth/me')).status).toBe(200);
  });
});

describe('suspending and reinstating with a note', () => {
  it('a suspended advertiser changes nothing, its history and the audit log keep the note; reinstating restores it', async () => {
    const adv = await approvedAdvertiser(api.url, admin.client);
    const suspend = await admin.client.post(`/api/admin/users/${adv.id}/review`, { action: 'suspend', note: 'chargebacks under review' });
    expect(suspend.status, suspend.text).toBe(200);
    expect(suspend.body.user.statusHistory.at(-1)).toMatchObject({ from: 'approved', to: 'suspended', by: admin.id, note: 'chargebacks under review' });
    const entry = (await auditActions('user.suspend')).find((e) => e.target.id === adv.id);
    expect(entry?.details).toMatchObject({ note: 'chargebacks under review', from: 'approved', to: 'suspended', role: 'advertiser' });

    const refused = await adv.client.post('/api/campaigns', cpaCampaign());
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('account_suspended');
    // Still able to secure its account and read its records.
    expect((await adv.client.get('/api/campaigns')).status).toBe(200);
    // An admin does not create campaigns for it either.
    const forSuspended = await admin.client.post('/api/campaigns', cpaCampaign({ advertiserId: adv.id }));
    expect(forSuspended.status).toBe(400);
    expect(forSuspended.body.error.details[0].path).toBe('advertiserId');

    const reinstate = await admin.client.post(`/api/admin/users/${adv.id}/review`, { action: 'reinstate', note: 'cleared' });
    expect(reinstate.status).toBe(200);
    expect(reinstate.body.user.status).toBe('approved');
    expect((await adv.client.post('/api/campaigns', cpaCampaign())).status).toBe(201);
    expect((await auditActions('user.reinstate')).some((e) => e.target.id === adv.id && e.details.note === 'cleared')).toBe(true);
  });

  it('affiliates reviewed through their own routes are audited too', async () => {
    const aff = await approvedAffiliate(api.url, admin.client);
    expect((await admin.client.post(`/api/admin/affiliates/${aff.id}/suspend`, { note: 'fraud check' })).status).toBe(200);
    expect((await aff.client.get('/api/links')).body.error.code).toBe('affiliate_not_approved');
    expect((await auditActions('user.suspend')).some((e) => e.target.id === aff.id && e.details.note === 'fraud check')).toBe(true);
  });
});

describe('campaigns on an advertiser’s behalf', () => {
  it('an admin creates and edits a campaign for an approved advertiser; the history says who acted for whom', async () => {
    const adv = await approvedAdvertiser(api.url, admin.client);
    const pending = await register(api.url, 'advertiser');
    const aff = await approvedAffiliate(api.url, admin.client);

    const missing = await admin.client.post('/api/campaigns', cpaCampaign());
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('advertiserId');
    expect((await admin.client.post('/api/campaigns', cpaCampaign({ advertiserId: pending.id }))).status).toBe(400);
    expect((await admin.client.post('/api/campaigns', cpaCampaign({ advertiserId: aff.id }))).status).toBe(400);
    expect((await aff.client.post('/api/campaigns', cpaCampaign({ advertiserId: adv.id }))).status).toBe(403);
    expect((await pending.client.post('/api/campaigns', cpaCampaign({ advertiserId: adv.id }))).status).toBe(403);

    const created = await admin.client.post('/api/campaigns', cpaCampaign({ name: 'Made by admin', advertiserId: adv.id }));
    expect(created.status, created.text).toBe(201);
    const c = created.body.campaign;
    expect(c.advertiserId).toBe(adv.id);
    expect(c.history).toEqual([expect.objectContaining({ action: 'created', by: admin.id, byRole: 'admin', forAdvertiser: adv.id })]);
    // It is the advertiser's own campaign.
    const seen = await adv.client.get(`/api/campaigns/${c.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.campaign.history[0].byRole).toBe('admin');
    expect((await adv.client.patch(`/api/campaigns/${c.id}`, { name: 'Renamed by owner' })).status).toBe(200);

    const edited = await admin.client.patch(`/api/campaigns/${c.id}`, { payoutCents: 650 });
    expect(edited.status, edited.text).toBe(200);
    // Every change is in the history with who (by name), what, and on whose behalf; oldest first.
    type Change = { action: string; byRole: string; by: string; byName: string | null; forAdvertiser: string; changed: string[] };
    expect(edited.body.campaign.history.map((h: Change) => [h.action, h.byRole, h.byName, h.changed])).toEqual([
      ['created', 'admin', 'Admin', []],
      ['edited', 'advertiser', 'advertiser', ['name']],
      ['edited', 'admin', 'Admin', ['payoutCents']],
    ]);
    // An edit that changes nothing leaves no entry; a pause and a resume do, each naming the status.
    expect((await admin.client.patch(`/api/campaigns/${c.id}`, { payoutCents: 650 })).body.campaign.history).toHaveLength(3);
    expect((await admin.client.post(`/api/campaigns/${c.id}/pause`, {})).status).toBe(200);
    const resumed = await adv.client.post(`/api/campaigns/${c.id}/resume`, {});
    expect(resumed.body.campaign.history.slice(3).map((h: Change) => [h.action, h.byRole, h.forAdvertiser, h.changed])).toEqual([
      ['paused', 'admin', adv.id, ['status']],
      ['resumed', 'advertiser', adv.id, ['status']],
    ]);
    // The advertiser sees the same history; affiliates see none of it.
    const advView = (await adv.client.get(`/api/campaigns/${c.id}`)).body.campaign;
    expect(advView.history.map((h: Change) => h.byName)).toEqual(['Admin', 'advertiser', 'Admin', 'Admin', 'advertiser']);
    const offer = (await aff.client.get(`/api/campaigns/${c.id}`)).body.campaign;
    expect(offer.history).toBeUndefined();
    // The campaigns list carries the names too.
    const listed = (await adv.client.get('/api/campaigns?limit=100')).body.items.find((x: { id: string }) => x.id === c.id);
    expect(listed.history.at(-1)).toMatchObject({ action: 'resumed', byName: 'advertiser' });

    expect((await auditActions('campaign.create_for')).some((e) => e.target.id === c.id && e.details.advertiserId === adv.id)).toBe(true);
    expect((await auditActions('campaign.edit_for')).some((e) => e.target.id === c.id)).toBe(true);

    // An advertiser's own campaign records the advertiser; naming itself is fine, another advertiser is not.
    const own = await adv.client.post('/api/campaigns', cpaCampaign({ advertiserId: adv.id }));
    expect(own.status).toBe(201);
    expect(own.body.campaign.history[0]).toMatchObject({ action: 'created', by: adv.id, byRole: 'advertiser' });
    expect((await adv.client.post('/api/campaigns', cpaCampaign({ advertiserId: pending.id }))).status).toBe(403);
  });
});

describe('users list search', () => {
  it('finds an account by its exact email, and by a prefix of its name within the filters', async () => {
    const adv = await register(api.url, 'advertiser', 'Zebra Widgets');
    const aff = await register(api.url, 'affiliate', 'Zebra Partners');
    const exact = await admin.client.get(`/api/admin/users?q=${encodeURIComponent(adv.email.toUpperCase())}`);
    expect(exact.status).toBe(200);
    expect(exact.body.items.map((u: { id: string }) => u.id)).toEqual([adv.id]);
    expect(exact.body.total).toBe(1);
    expect((await admin.client.get(`/api/admin/users?role=affiliate&q=${encodeURIComponent(adv.email)}`)).body.items).toEqual([]);
    expect((await admin.client.get('/api/admin/users?q=nobody%40example.test')).body.items).toEqual([]);

    const prefix = await admin.client.get('/api/admin/users?q=zebra');
    expect(prefix.status).toBe(200);
    expect(prefix.body.total).toBeNull();
    expect(prefix.body.items.map((u: { id: string }) => u.id).sort()).toEqual([adv.id, aff.id].sort());
    const advOnly = await admin.client.get('/api/admin/users?q=Zebra&role=advertiser');
    expect(advOnly.body.items.map((u: { id: string }) => u.id)).toEqual([adv.id]);
    expect((await admin.client.get('/api/admin/users?q=')).status).toBe(400);

    // The same filters as CSV: every match, no paging.
    const csv = await admin.client.get('/api/admin/users?q=zebra&role=advertiser&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('id,email,name,company,role,status,createdAt,lastReviewAt,lastReviewNote');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([adv.id]);
    expect((await adv.client.get('/api/admin/users?format=csv')).status).toBe(403);
    expect((await adv.client.get('/api/admin/users?q=zebra')).status).toBe(403);
  });
});

describe('audit log: who acted', () => {
  it('names each actor by account name and email, and an API key by its name and prefix; only admins read it', async () => {
    const adv = await register(api.url, 'advertiser', 'Quokka Media');
    expect((await admin.client.post(`/api/admin/users/${adv.id}/review`, { action: 'approve', note: 'checked' })).status).toBe(200);
    const created = await admin.client.post('/api/api-keys', { name: 'ops script', scope: 'full' });
    expect(created.status).toBe(201);
    const key = bearerOf(created.body.secret);
    expect((await key.patch('/api/admin/settings', { payoutHoldDays: 9 })).status).toBe(200);

    const page = await admin.client.get('/api/admin/audit-log?limit=20');
    expect(page.status).toBe(200);
    type Entry = { action: string; target: { id: string }; actor: { id: string; name: string | null; email: string | null; via: string; key: { id: string; prefix: string; name: string } | null } | null };
    const entries = page.body.items as Entry[];
    const review = entries.find((e) => e.action === 'user.approve' && e.target.id === adv.id)!;
    expect(review.actor).toEqual({ id: admin.id, role: 'admin', via: 'cookie', name: 'Admin', email: admin.email, key: null });
    const bySettings = entries.find((e) => e.action === 'settings.update')!;
    expect(bySettings.actor).toMatchObject({ id: admin.id, name: 'Admin', email: admin.email, via: 'api_key', key: { id: created.body.apiKey.id, prefix: created.body.apiKey.prefix, name: 'ops script' } });
    for (const who of [adv.client]) expect((await who.get('/api/admin/audit-log')).status).toBe(403);
    expect((await anonymous().get('/api/admin/audit-log')).status).toBe(401);
    // The user's own reset code, used without signing in, has no actor.
    const issued = await admin.client.post(`/api/admin/users/${adv.id}/password-reset`, {});
    expect((await anonymous().post('/api/auth/password-reset', { email: adv.email, code: issued.body.code, password: NEW_PASSWORD })).status).toBe(200);
    const used = ((await admin.client.get('/api/admin/audit-log?action=user.password_reset_used')).body.items as Entry[]).find((e) => e.target.id === adv.id)!;
    expect(used.actor).toBeNull();
  });
});
