import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { PERMISSIONS, type Role } from '../src/domain/permissions';
import { approvedAdvertiser, approvedAffiliate, createAdmin, login, register } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';
import { createOffer, startTrackingStack, type TrackingStack } from './helpers/tracking';

/**
 * Walks every registered route with every kind of caller and checks the
 * answer against this table, written out by hand: a route wired to the wrong
 * action, or a wrong entry in the permission map, fails here.
 */
const ADMIN: Role[] = ['admin'];
const ALL: Role[] = ['admin', 'advertiser', 'affiliate'];
const ADV_ADMIN: Role[] = ['advertiser', 'admin'];
const AFF_ADMIN: Role[] = ['affiliate', 'admin'];
const AFFILIATE: Role[] = ['affiliate'];

const EXPECTED: Record<string, Role[] | 'public'> = {
  'GET /api/health': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/reference': 'public',
  'GET /api/reference/scalar.js': 'public',
  'GET /api/reference/init.js': 'public',
  'POST /api/auth/register': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': ALL,
  'GET /api/auth/me': ALL,
  'POST /api/auth/password-reset': 'public',
  'POST /api/auth/password': ALL,
  'POST /api/auth/sessions/sign-out-others': ALL,
  'GET /api/campaigns': ALL,
  'POST /api/campaigns': ADV_ADMIN,
  'GET /api/campaigns/:id': ALL,
  'PATCH /api/campaigns/:id': ADV_ADMIN,
  'POST /api/campaigns/:id/pause': ADV_ADMIN,
  'POST /api/campaigns/:id/resume': ADV_ADMIN,
  'POST /api/campaigns/:id/archive': ADV_ADMIN,
  'POST /api/campaigns/:id/rotate-secret': ADV_ADMIN,
  'PUT /api/campaigns/:id/overrides/:affiliateId': ADV_ADMIN,
  'DELETE /api/campaigns/:id/overrides/:affiliateId': ADV_ADMIN,
  'GET /api/campaigns/:id/link': AFFILIATE,
  'GET /api/links': AFFILIATE,
  'GET /api/admin/affiliates': ADMIN,
  'POST /api/admin/affiliates/:id/approve': ADMIN,
  'POST /api/admin/affiliates/:id/reject': ADMIN,
  'POST /api/admin/affiliates/:id/suspend': ADMIN,
  'GET /api/admin/users': ADMIN,
  'POST /api/admin/users/:id/review': ADMIN,
  'POST /api/admin/users/:id/password-reset': ADMIN,
  'GET /api/track/postback': 'public',
  'POST /api/track/postback': 'public',
  'GET /api/track/postback/:id': ADV_ADMIN,
  'GET /api/postbacks': ADV_ADMIN,
  'POST /api/campaigns/:id/test-postback': ADV_ADMIN,
  'GET /api/conversions': ALL,
  'GET /api/conversions/:id': ALL,
  'POST /api/conversions/:id/approve': ADV_ADMIN,
  'POST /api/conversions/:id/reject': ADV_ADMIN,
  'POST /api/conversions/bulk-review': ADV_ADMIN,
  'GET /api/affiliate/postback': AFFILIATE,
  'PUT /api/affiliate/postback': AFFILIATE,
  'POST /api/affiliate/postback/test': AFFILIATE,
  'GET /api/affiliate/deliveries': AFFILIATE,
  'GET /api/live': ALL,
  'GET /api/admin/queues/summary': ADMIN,
  'GET /api/admin/queues': ADMIN,
  'GET /api/analytics/campaign/:id': ADV_ADMIN,
  'GET /api/analytics/affiliate': AFF_ADMIN,
  'GET /api/analytics/campaign/:id/clicks': ADV_ADMIN,
  'GET /api/analytics/affiliate/clicks': AFF_ADMIN,
  'GET /api/analytics/overview': ADMIN,
  'GET /api/payouts': AFF_ADMIN,
  'POST /api/payouts/run': ADMIN,
  'POST /api/payouts/bulk-approve': ADMIN,
  'GET /api/payouts/:id': AFF_ADMIN,
  'POST /api/payouts/approve/:id': ADMIN,
  'POST /api/payouts/:id/reject': ADMIN,
  'POST /api/payouts/:id/mark-paid': ADMIN,
  'GET /api/admin/job-runs': ADMIN,
  'POST /api/admin/reconcile': ADMIN,
  'GET /api/api-keys': ALL,
  'POST /api/api-keys': ALL,
  'DELETE /api/api-keys/:id': ALL,
  'GET /api/admin/audit-log': ADMIN,
  'GET /api/admin/settings': ADMIN,
  'PATCH /api/admin/settings': ADMIN,
  // Guarded by METRICS_TOKEN or a loopback peer instead of a session (metrics.test.ts).
  'GET /metrics': 'public',
};

/** What an affiliate that is not approved (pending, rejected, suspended) may still do: see its own account, see and revoke its API keys. */
const OPEN_TO_UNAPPROVED = new Set(['GET /api/auth/me', 'POST /api/auth/logout', 'POST /api/auth/password', 'POST /api/auth/sessions/sign-out-others', 'GET /api/api-keys', 'DELETE /api/api-keys/:id']);

/** What a suspended or rejected advertiser may still do: read its own records. A pending one is not limited (its offers get no traffic). */
const OPEN_TO_INACTIVE_ADVERTISERS = new Set([
  'GET /api/auth/me',
  'POST /api/auth/logout',
  'POST /api/auth/password',
  'POST /api/auth/sessions/sign-out-others',
  'GET /api/campaigns',
  'GET /api/campaigns/:id',
  'GET /api/track/postback/:id',
  'GET /api/postbacks',
  'GET /api/conversions',
  'GET /api/conversions/:id',
  'GET /api/analytics/campaign/:id',
  'GET /api/live',
  'GET /api/api-keys',
  'DELETE /api/api-keys/:id',
]);

interface Caller {
  role: Role | null;
  status: 'approved' | 'pending' | 'rejected' | 'suspended' | 'none';
  email: string | null;
  client: TestClient;
}

let ctx: AppContext;
let stack: TrackingStack;
let api: TrackingStack['api'];
const callers: Record<string, Caller> = {};

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', LOGIN_MAX_PER_ACCOUNT: '1000' });
  stack = await startTrackingStack(ctx, { worker: false });
  api = stack.api;
  const admin = await createAdmin(ctx, api.url);
  const reviewed = async (action: 'reject' | 'suspend') => {
    const aff = action === 'suspend' ? await approvedAffiliate(api.url, admin.client) : await register(api.url, 'affiliate');
    const res = await admin.client.post(`/api/admin/affiliates/${aff.id}/${action}`, { note: 'matrix test' });
    if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
    return aff;
  };
  const reviewedAdvertiser = async (action: 'reject' | 'suspend') => {
    const a = action === 'suspend' ? await approvedAdvertiser(api.url, admin.client) : await register(api.url, 'advertiser');
    const res = await admin.client.post(`/api/admin/users/${a.id}/review`, { action, note: 'matrix test' });
    if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
    return a;
  };
  const adv = await approvedAdvertiser(api.url, admin.client);
  const pendingAdv = await register(api.url, 'advertiser');
  const rejectedAdv = await reviewedAdvertiser('reject');
  const suspendedAdv = await reviewedAdvertiser('suspend');
  const aff = await approvedAffiliate(api.url, admin.client);
  const pending = await register(api.url, 'affiliate');
  const rejected = await reviewed('reject');
  const suspended = await reviewed('suspend');
  callers.anonymous = { role: null, status: 'none', email: null, client: new TestClient(api.url) };
  callers.admin = { role: 'admin', status: 'approved', email: admin.email, client: admin.client };
  callers.advertiser = { role: 'advertiser', status: 'approved', email: adv.email, client: adv.client };
  callers.pendingAdvertiser = { role: 'advertiser', status: 'pending', email: pendingAdv.email, client: pendingAdv.client };
  callers.rejectedAdvertiser = { role: 'advertiser', status: 'rejected', email: rejectedAdv.email, client: rejectedAdv.client };
  callers.suspendedAdvertiser = { role: 'advertiser', status: 'suspended', email: suspendedAdv.email, client: suspendedAdv.client };
  callers.affiliate = { role: 'affiliate', status: 'approved', email: aff.email, client: aff.client };
  callers.pendingAffiliate = { role: 'affiliate', status: 'pending', email: pending.email, client: pending.client };
  callers.rejectedAffiliate = { role: 'affiliate', status: 'rejected', email: rejected.email, client: rejected.client };
  callers.suspendedAffiliate = { role: 'affiliate', status: 'suspended', email: suspended.email, client: suspended.client };
}, 90_000);

afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

const fakeId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const concretePath = (p: string) => p.replace(/:[A-Za-z]+/g, fakeId);
const routeKey = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

type Expectation = 'allow' | 'unauthenticated' | 'forbidden' | 'affiliate_not_approved' | 'account_suspended';

function expectation(key: string, caller: Caller): Expectation | 'public' {
  const rule = EXPECTED[key];
  if (rule === 'public') return 'public';
  if (!caller.role) return 'unauthenticated';
  if (!rule?.includes(caller.role)) return 'forbidden';
  if (caller.role === 'affiliate' && caller.status !== 'approved' && !OPEN_TO_UNAPPROVED.has(key)) return 'affiliate_not_approved';
  if (caller.role === 'advertiser' && (caller.status === 'suspended' || caller.status === 'rejected') && !OPEN_TO_INACTIVE_ADVERTISERS.has(key)) return 'account_suspended';
  return 'allow';
}

describe('route × role matrix', () => {
  it('lists every route in the table, and every route names an action of the permission map or is public', () => {
    const keys = api.api.routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const r of api.api.routes) {
      expect(r.action === 'public' || r.action in PERMISSIONS, routeKey(r)).toBe(true);
      expect(r.action === 'public', routeKey(r)).toBe(EXPECTED[routeKey(r)] === 'public');
    }
    // Every action of the map is used by some route: no rule without a route.
    expect([...new Set(api.api.routes.map((r) => r.action).filter((a) => a !== 'public'))].sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  it('every route answers each kind of caller as the table says', async () => {
    const failures: string[] = [];
    for (const r of api.api.routes) {
      const key = routeKey(r);
      for (const [name, caller] of Object.entries(callers)) {
        // Logging out ends a session, signing out the others all but a new one: each caller uses a session of its own, made for this call.
        const endsSessions = key === 'POST /api/auth/logout' || key === 'POST /api/auth/sessions/sign-out-others';
        const client = endsSessions && caller.email ? await login(api.url, caller.email) : caller.client;
        const res = await client.request(r.method.toUpperCase(), concretePath(r.path), r.method === 'get' ? undefined : {});
        // Signing out the other sessions ended the caller's usual one too: it signs in again.
        if (key === 'POST /api/auth/sessions/sign-out-others' && res.status === 200 && caller.email) caller.client = await login(api.url, caller.email);
        const code = res.body?.error?.code as string | undefined;
        const want = expectation(key, caller);
        const got = `${res.status} ${code ?? ''}`.trim();
        if (want === 'public') {
          if (res.status === 401 || (res.status === 403 && code !== 'csrf_failed') || res.status >= 500) failures.push(`${name} ${key}: public, got ${got}`);
        } else if (want === 'unauthenticated') {
          if (res.status !== 401 || code !== 'unauthenticated') failures.push(`${name} ${key}: expected 401 unauthenticated, got ${got}`);
        } else if (want === 'allow') {
          if (res.status === 401 || res.status === 403 || res.status >= 500) failures.push(`${name} ${key}: allowed, got ${got}`);
        } else if (res.status !== 403 || code !== want) {
          failures.push(`${name} ${key}: expected 403 ${want}, got ${got}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('every route refuses parameters it does not know, before anything else', async () => {
    // The inbound postback takes whatever the advertiser's platform sends (unknown parameters are ignored);
    // health checks and the queue dashboard's own pages are not API input.
    const lenient = new Set(['GET /api/track/postback', 'POST /api/track/postback', 'GET /api/health', 'GET /api/admin/queues']);
    const failures: string[] = [];
    for (const r of api.api.routes) {
      const key = routeKey(r);
      const rule = EXPECTED[key];
      if (lenient.has(key) || !rule) continue;
      const caller = rule === 'public' ? callers.anonymous! : Object.values(callers).find((c) => c.role === rule[0] && c.status === 'approved')!;
      const client = key === 'POST /api/auth/logout' ? await login(api.url, caller.email!) : caller.client;
      const path = concretePath(r.path);
      const res = r.method === 'get' ? await client.get(`${path}?bogus=1`) : await client.request(r.method.toUpperCase(), path, { bogus: 1 });
      if (res.status !== 400 || res.body?.error?.code !== 'validation_failed') failures.push(`${key}: ${res.status} ${res.body?.error?.code ?? ''}`);
    }
    expect(failures).toEqual([]);
  });

  it('tracking links are public: anyone is redirected, unknown links get the 404 page', async () => {
    const offer = await createOffer(ctx, api.url);
    for (const path of [`/c/${offer.linkId}`, `/api/track/click/${offer.linkId}`]) {
      const res = await fetch(`${api.url}${path}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (matrix test)' } });
      expect(res.status, path).toBe(302);
    }
    const unknown = await fetch(`${api.url}/c/AbCdEf12XyZ`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('unknown API routes answer a JSON 404', async () => {
    const res = await callers.admin!.client.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
