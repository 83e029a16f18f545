import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { approvedAdvertiser, cpaCampaign, createAdmin, register, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
let adminId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  api = await startTestApi(ctx);
  ({ client: admin, id: adminId } = await createAdmin(ctx, api.url));
});
afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

describe('affiliate approval', () => {
  it('lists pending affiliates and approves one, recording who did it', async () => {
    const aff = await register(api.url, 'affiliate', 'Pending Pat');
    const list = await admin.get('/api/admin/affiliates?status=pending');
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { id: string }) => u.id)).toContain(aff.id);
    expect(list.body.items.every((u: { status: string; role: string }) => u.status === 'pending' && u.role === 'affiliate')).toBe(true);

    const res = await admin.post(`/api/admin/affiliates/${aff.id}/approve`, { note: 'looks legit' });
    expect(res.status).toBe(200);
    expect(res.body.affiliate.status).toBe('approved');
    const last = res.body.affiliate.statusHistory.at(-1);
    expect(last).toMatchObject({ by: adminId, from: 'pending', to: 'approved', note: 'looks legit' });
    expect((await aff.client.get('/api/auth/me')).body.user.status).toBe('approved');
  });

  it('keeps pending affiliates out of everything but their account', async () => {
    const aff = await register(api.url, 'affiliate');
    const res = await aff.client.get('/api/campaigns');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('affiliate_not_approved');
    expect((await aff.client.get('/api/auth/me')).status).toBe(200);
  });

  it('rejects pending affiliates; refuses transitions that make no sense with 409', async () => {
    const aff = await register(api.url, 'affiliate');
    expect((await admin.post(`/api/admin/affiliates/${aff.id}/suspend`)).status).toBe(409);
    expect((await admin.post(`/api/admin/affiliates/${aff.id}/reject`, { note: 'spam' })).body.affiliate.status).toBe('rejected');
    expect((await admin.post(`/api/admin/affiliates/${aff.id}/reject`)).status).toBe(409);
    expect((await admin.post(`/api/admin/affiliates/${aff.id}/approve`)).body.affiliate.status).toBe('approved');
  });

  it('suspends an approved affiliate: links stop being issued; reinstating restores them', async () => {
    const adv = await approvedAdvertiser(api.url, admin);
    const camp = (await adv.client.post('/api/campaigns', cpaCampaign())).body.campaign;
    const aff = await register(api.url, 'affiliate');
    await admin.post(`/api/admin/affiliates/${aff.id}/approve`);
    expect((await aff.client.get(`/api/campaigns/${camp.id}/link`)).status).toBe(200);
    const s = await admin.post(`/api/admin/affiliates/${aff.id}/suspend`, { note: 'fraud review' });
    expect(s.body.affiliate.status).toBe('suspended');
    const denied = await aff.client.get(`/api/campaigns/${camp.id}/link`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('affiliate_not_approved');
    await admin.post(`/api/admin/affiliates/${aff.id}/approve`);
    expect((await aff.client.get(`/api/campaigns/${camp.id}/link`)).status).toBe(200);
  });

  it('answers 404 for unknown or non-affiliate ids and 400 for malformed ids', async () => {
    const adv = await register(api.url, 'advertiser');
    expect((await admin.post(`/api/admin/affiliates/${adv.id}/approve`)).status).toBe(404);
    expect((await admin.post('/api/admin/affiliates/bbbbbbbbbbbbbbbbbbbbbbbb/approve')).status).toBe(404);
    const bad = await admin.post('/api/admin/affiliates/not-an-id/approve');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('id');
  });

  it('only one of two concurrent reviews wins', async () => {
    const aff = await register(api.url, 'affiliate');
    // The same review twice: even applied one after the other, the second must be refused.
    const [a, b] = await Promise.all([
      admin.post(`/api/admin/affiliates/${aff.id}/approve`),
      admin.post(`/api/admin/affiliates/${aff.id}/approve`),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const user = await ctx.models.User.findById(aff.id).lean();
    expect(user!.statusHistory).toHaveLength(2);
  });
});
