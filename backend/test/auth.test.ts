import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { PASSWORD, createAdmin, login, register, startTestApi, uniqueEmail } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_ACCOUNT_IP: '3', LOGIN_MAX_PER_IP: '1000' });
  api = await startTestApi(ctx);
});
afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

describe('register', () => {
  it('creates a pending affiliate, signs it in and never returns the hash', async () => {
    const c = new TestClient(api.url);
    const email = uniqueEmail('Aff');
    const res = await c.post('/api/auth/register', { email, password: PASSWORD, name: 'Ann', role: 'affiliate' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: email.toLowerCase(), role: 'affiliate', status: 'pending' });
    expect(JSON.stringify(res.body)).not.toContain('passwordHash');
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/offerly_session=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/offerly_session=[^;]+;.*SameSite=Lax/i);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.status).toBe('pending');
  });

  it('makes advertisers wait for an admin too (ADVERTISER_APPROVAL=required, the default); advertiser-approval.test.ts covers the rest', async () => {
    const adv = await register(api.url, 'advertiser');
    const me = await adv.client.get('/api/auth/me');
    expect(me.body.user).toMatchObject({ role: 'advertiser', status: 'pending' });
  });

  it('refuses the admin role, bad emails and short passwords with field details', async () => {
    const c = new TestClient(api.url);
    const admin = await c.post('/api/auth/register', { email: uniqueEmail('x'), password: PASSWORD, name: 'X', role: 'admin' });
    expect(admin.status).toBe(400);
    expect(admin.body.error.code).toBe('validation_failed');
    expect(admin.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'role' })]));
    const bad = await c.post('/api/auth/register', { email: 'nope', password: 'short', name: '', role: 'affiliate' });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['email', 'name', 'password']);
  });

  it('answers 409 for an email already registered, whatever its case', async () => {
    const first = await register(api.url, 'advertiser');
    const res = await new TestClient(api.url).post('/api/auth/register', { email: first.email.toUpperCase(), password: PASSWORD, name: 'Y', role: 'affiliate' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('rejects malformed JSON with 400, not 500', async () => {
    const res = await new TestClient(api.url).request('POST', '/api/auth/register', '{"email":', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('login, sessions and logout', () => {
  it('signs in with a cookie and a bearer token; wrong passwords get a generic 401', async () => {
    const adv = await register(api.url, 'advertiser');
    const wrong = await new TestClient(api.url).post('/api/auth/login', { email: adv.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('Email or password is incorrect');
    const unknown = await new TestClient(api.url).post('/api/auth/login', { email: uniqueEmail('ghost'), password: 'whatever123' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);

    const c = new TestClient(api.url);
    const ok = await c.post('/api/auth/login', { email: adv.email, password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(typeof ok.body.token).toBe('string');
    const bearer = new TestClient(api.url);
    bearer.bearer = ok.body.token;
    expect((await bearer.get('/api/auth/me')).body.user.id).toBe(adv.id);
  });

  it('needs a session for /me and rejects forged tokens', async () => {
    expect((await new TestClient(api.url).get('/api/auth/me')).status).toBe(401);
    const forged = new TestClient(api.url);
    forged.bearer = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA';
    const res = await forged.get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('logout revokes the session server-side, also for a copied token', async () => {
    const adv = await register(api.url, 'advertiser');
    const c = await login(api.url, adv.email);
    const token = c.cookies.get('offerly_session')!;
    const copy = new TestClient(api.url);
    copy.bearer = token;
    expect((await copy.get('/api/auth/me')).status).toBe(200);
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expect(c.cookies.has('offerly_session')).toBe(false);
    expect((await copy.get('/api/auth/me')).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses cookie-authenticated writes without the CSRF header', async () => {
    const adv = await register(api.url, 'advertiser');
    adv.client.sendCsrf = false;
    const res = await adv.client.post('/api/campaigns', { name: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
    const wrong = await adv.client.post('/api/campaigns', { name: 'x' }, { 'x-csrf-token': 'forged' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('csrf_failed');
  });

  it('does not accept another session’s CSRF token', async () => {
    const a = await register(api.url, 'advertiser');
    const b = await register(api.url, 'advertiser');
    const res = await a.client.post('/api/campaigns', { name: 'x' }, { 'x-csrf-token': b.client.cookies.get('offerly_csrf')! });
    expect(res.status).toBe(403);
  });

  it('passes the CSRF check with the header (then validation answers)', async () => {
    const adv = await register(api.url, 'advertiser');
    const res = await adv.client.post('/api/campaigns', { name: 'x' });
    expect(res.status).toBe(400);
  });

  it('lets Bearer clients write without a CSRF header', async () => {
    const adv = await register(api.url, 'advertiser');
    const bearer = new TestClient(api.url);
    bearer.bearer = adv.client.cookies.get('offerly_session')!;
    const res = await bearer.post('/api/campaigns', { name: 'x' });
    expect(res.status).toBe(400);
  });

  it('refuses writes from a foreign Origin', async () => {
    const c = new TestClient(api.url);
    c.origin = 'https://evil.example';
    const res = await c.post('/api/auth/login', { email: uniqueEmail('z'), password: 'whatever123' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
  });
});

describe('login rate limiting', () => {
  it('locks an account from an address after 3 failures with 429 and Retry-After; a success resets it', async () => {
    const adv = await register(api.url, 'advertiser');
    const c = new TestClient(api.url);
    for (let i = 0; i < 2; i++) expect((await c.post('/api/auth/login', { email: adv.email, password: 'wrong-password' })).status).toBe(401);
    expect((await c.post('/api/auth/login', { email: adv.email, password: PASSWORD })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await c.post('/api/auth/login', { email: adv.email, password: 'wrong-password' })).status).toBe(401);
    const limited = await c.post('/api/auth/login', { email: adv.email, password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('keeps the failure budgets in Redis, shared by every API instance', async () => {
    const adv = await register(api.url, 'advertiser');
    const second = await startTestApi(ctx);
    try {
      for (let i = 0; i < 3; i++) {
        const base = i % 2 === 0 ? api.url : second.url;
        expect((await new TestClient(base).post('/api/auth/login', { email: adv.email, password: 'nope-nope' })).status).toBe(401);
      }
      expect((await new TestClient(second.url).post('/api/auth/login', { email: adv.email, password: PASSWORD })).status).toBe(429);
    } finally {
      await second.close();
    }
  });
});

describe('per-IP login limit', () => {
  it('limits failures from one address across accounts', async () => {
    const strict = await createTestContext({ LOGIN_MAX_PER_IP: '4', LOGIN_MAX_PER_ACCOUNT: '100' });
    const server = await startTestApi(strict);
    try {
      const c = new TestClient(server.url);
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await c.post('/api/auth/login', { email: uniqueEmail(`ip${i}`), password: 'whatever123' })).status);
      expect(codes).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await server.close();
      await destroyTestContext(strict);
    }
  });
});

describe('bootstrap admin', () => {
  it('is created from ADMIN_EMAIL/ADMIN_PASSWORD once and can sign in', async () => {
    const { ensureBootstrapAdmin } = await import('../src/accounts/accounts');
    const email = uniqueEmail('root');
    const c2 = await createTestContext({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'admin-password-1' });
    try {
      expect(await ensureBootstrapAdmin(c2)).toBe('created');
      expect(await ensureBootstrapAdmin(c2)).toBe('exists');
      const server = await startTestApi(c2);
      const admin = await login(server.url, email, 'admin-password-1');
      expect((await admin.get('/api/auth/me')).body.user.role).toBe('admin');
      await server.close();
    } finally {
      await destroyTestContext(c2);
    }
  });

  it('never promotes an account registered with ADMIN_EMAIL', async () => {
    const { ensureBootstrapAdmin } = await import('../src/accounts/accounts');
    const email = uniqueEmail('squatter');
    const c2 = await createTestContext({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'admin-password-1' });
    try {
      await c2.models.User.create({ email, passwordHash: 'x', role: 'affiliate', status: 'pending', name: 'Squatter' });
      expect(await ensureBootstrapAdmin(c2)).toBe('not_admin');
      expect((await c2.models.User.findOne({ email }).lean())?.role).toBe('affiliate');
    } finally {
      await destroyTestContext(c2);
    }
  });

  it('admins created by tests can sign in too', async () => {
    const admin = await createAdmin(ctx, api.url);
    expect((await admin.client.get('/api/auth/me')).body.user.role).toBe('admin');
  });
});
