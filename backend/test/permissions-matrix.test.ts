import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { PERMISSIONS, decide, type Role } from '../src/domain/permissions';
import type { ApiServer } from '../src/http/server';
import { approvedAffiliate, createAdmin, register, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';

/**
 * Walks every registered route with every kind of caller and checks the
 * answer against the central permission map.
 */
let ctx: AppContext;
let api: ApiServer;
const callers: Record<string, { client: TestClient; role: Role | null; status: string }> = {};

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  api = await startTestApi(ctx);
  const admin = await createAdmin(ctx, api.url);
  callers.anonymous = { client: new TestClient(api.url), role: null, status: 'none' };
  callers.admin = { client: admin.client, role: 'admin', status: 'approved' };
  callers.advertiser = { client: (await register(api.url, 'advertiser')).client, role: 'advertiser', status: 'approved' };
  callers.affiliate = { client: (await approvedAffiliate(api.url, admin.client)).client, role: 'affiliate', status: 'approved' };
  callers.pendingAffiliate = { client: (await register(api.url, 'affiliate')).client, role: 'affiliate', status: 'pending' };
}, 60_000);

afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

const fakeId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const concretePath = (p: string) => p.replace(/:[A-Za-z]+/g, fakeId);

describe('route × role matrix', () => {
  it('every route names an action from the permission map or is public', () => {
    for (const r of api.api.routes) {
      expect(r.action === 'public' || r.action in PERMISSIONS, `${r.method} ${r.path}`).toBe(true);
    }
    expect(api.api.routes.length).toBeGreaterThan(15);
  });

  it('every route answers each role as the map says', async () => {
    const failures: string[] = [];
    for (const r of api.api.routes) {
      // Logging out would end the caller's session for the rest of the walk; it is covered in auth.test.
      if (r.path === '/api/auth/logout') continue;
      for (const [name, caller] of Object.entries(callers)) {
        const res = await caller.client.request(r.method.toUpperCase(), concretePath(r.path), r.method === 'get' ? undefined : {});
        const code = res.body?.error?.code as string | undefined;
        if (r.action === 'public') {
          if (res.status === 401 || (res.status === 403 && code !== 'csrf_failed')) failures.push(`${name} ${r.method} ${r.path}: ${res.status}`);
          continue;
        }
        if (!caller.role) {
          if (res.status !== 401) failures.push(`${name} ${r.method} ${r.path}: expected 401, got ${res.status}`);
          continue;
        }
        const decision = decide({ role: caller.role, status: caller.status as 'approved' }, r.action);
        if (decision === 'deny_role') {
          if (res.status !== 403 || code !== 'forbidden') failures.push(`${name} ${r.method} ${r.path}: expected 403 forbidden, got ${res.status} ${code}`);
        } else if (decision === 'deny_unapproved') {
          if (res.status !== 403 || code !== 'affiliate_not_approved') failures.push(`${name} ${r.method} ${r.path}: expected 403 affiliate_not_approved, got ${res.status} ${code}`);
        } else if (res.status === 401 || res.status === 403 || res.status >= 500) {
          failures.push(`${name} ${r.method} ${r.path}: allowed by the map but got ${res.status} ${code}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('unknown API routes answer a JSON 404', async () => {
    const res = await callers.admin!.client.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
