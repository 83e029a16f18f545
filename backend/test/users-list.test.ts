import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_LIST } from '../src/accounts/user-list';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { listScopes } from '../src/db/list-buckets';
import { USER_STATUSES, type UserDoc } from '../src/db/models/user';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { createAdmin, register, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { allPages } from './helpers/cursor-pages';
import type { TestClient } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
let affiliates: Array<{ client: TestClient; id: string }>;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  api = await startTestApi(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  affiliates = [];
  for (let i = 0; i < 24; i++) affiliates.push(await register(api.url, 'affiliate', `Aff ${i}`));
  for (let i = 0; i < 6; i++) await register(api.url, 'advertiser', `Adv ${i}`);
}, 120_000);
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

const stored = async () => (await ctx.models.User.find({}).lean()) as UserDoc[];

describe('accounts lists (day buckets per role, cursors, status counters)', () => {
  it('pages through every account once, newest first, while accounts register', async () => {
    const before = await stored();
    let added = 0;
    const { rows, total } = await allPages(admin, '/api/admin/users', 4, async (page) => {
      if (page % 2 === 0 && added < 4) {
        added++;
        await register(api.url, 'advertiser', `Late ${added}`);
      }
    });
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(before.map((u) => u._id).sort());
    expect(total).toBe(before.length);
    for (let i = 1; i < rows.length; i++) expect(new Date(rows[i - 1]!.createdAt).getTime() >= new Date(rows[i]!.createdAt).getTime()).toBe(true);
  });

  it('role and status filters after concurrent reviews; counters equal the rows', async () => {
    // Each affiliate reviewed twice at once (approve and reject): one wins.
    await Promise.all(affiliates.slice(0, 16).flatMap((a) => [admin.post(`/api/admin/affiliates/${a.id}/approve`, {}), admin.post(`/api/admin/affiliates/${a.id}/reject`, {})]));
    for (const a of affiliates.slice(0, 4)) await admin.post(`/api/admin/affiliates/${a.id}/suspend`, {});
    const users = await stored();
    const cases: Array<[string, (u: UserDoc) => boolean]> = [
      ['/api/admin/affiliates', (u) => u.role === 'affiliate'],
      ['/api/admin/affiliates?status=pending', (u) => u.role === 'affiliate' && u.status === 'pending'],
      ['/api/admin/affiliates?status=suspended', (u) => u.role === 'affiliate' && u.status === 'suspended'],
      ['/api/admin/users?role=advertiser', (u) => u.role === 'advertiser'],
      ['/api/admin/users?status=approved', (u) => u.status === 'approved'],
      ['/api/admin/users?role=affiliate&status=rejected', (u) => u.role === 'affiliate' && u.status === 'rejected'],
    ];
    for (const [path, pred] of cases) {
      const { rows, total } = await allPages(admin, path, 5);
      const expected = users.filter(pred).map((u) => u._id);
      expect(rows.map((r) => r.id).sort(), path).toEqual(expected.sort());
      expect(total, path).toBe(expected.length);
    }
    const aff = await admin.get('/api/admin/affiliates?limit=1');
    expect(aff.body.items[0]).toHaveProperty('statusHistory');
    expect(aff.body.items[0]).not.toHaveProperty('passwordHash');
    for (const scope of ['all', 'role:affiliate', 'role:advertiser', 'role:admin']) {
      const doc = await listScopes(ctx.db).findOne({ _id: `${USER_LIST}|${scope}` });
      const rows = users.filter((u) => scope === 'all' || `role:${u.role}` === scope);
      expect(Object.fromEntries(USER_STATUSES.map((s) => [s, doc?.[s] ?? 0])), scope).toEqual(Object.fromEntries(USER_STATUSES.map((s) => [s, rows.filter((u) => u.status === s).length])));
    }
  });

  it('is for admins only, and answers 400 for a bad cursor, a page past the first and another sort', async () => {
    expect((await affiliates[20]!.client.get('/api/admin/users')).status).toBe(403);
    const bad = await admin.get('/api/admin/affiliates?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('cursor');
    expect((await admin.get('/api/admin/users?page=2')).status).toBe(400);
    expect((await admin.get('/api/admin/affiliates?sort=name')).status).toBe(400);
  });
});

describe('backfill of accounts stored before the buckets', () => {
  it('lists and counts them once, recorded in migrations', async () => {
    const old = await createTestContext();
    try {
      const docs = Array.from({ length: 13 }, (_, i) => ({ _id: newId(), email: `old${i}-${newId()}@example.test`, passwordHash: 'x', role: i % 2 ? 'affiliate' : 'advertiser', status: i % 3 ? 'approved' : 'pending', name: `Old ${i}`, company: '', statusHistory: [], createdAt: new Date(Date.now() - i * DAY_MS), updatedAt: new Date() }));
      await old.db.collection('users').insertMany(docs as never[]);
      const oldApi = await startTestApi(old);
      try {
        const { client } = await createAdmin(old, oldApi.url);
        const all = await allPages(client, '/api/admin/users', 4);
        expect(all.rows).toHaveLength(14);
        expect(all.total).toBe(14);
        const pending = await allPages(client, '/api/admin/affiliates?status=pending', 4);
        expect(pending.rows.map((r) => r.id).sort()).toEqual(docs.filter((d) => d.role === 'affiliate' && d.status === 'pending').map((d) => d._id).sort());
        expect(pending.total).toBe(pending.rows.length);
        expect(await old.db.collection<{ _id: string }>('migrations').findOne({ _id: 'list_users' })).not.toBeNull();
      } finally {
        await oldApi.close();
      }
    } finally {
      await destroyTestContext(old);
    }
  });
});
