import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedAffiliate, register } from './helpers/api';
import { TestClient } from './helpers/http-client';
import { campaignWithLink, insertClick, sendAndResolve, startPostbackEnv, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

let e: PostbackEnv;
let manual: TestCampaign;
let clickId: string;
/** The conversion, created pending, approved by a status postback, re-posted (refused duplicate), rejected by the advertiser (note shared), approved by an admin (note kept internal). */
let id: string;
const pbIds: string[] = [];

beforeAll(async () => {
  e = await startPostbackEnv({}, ['conversions']);
  manual = await campaignWithLink(e, { name: 'Detailed', approvalMode: 'manual' });
  clickId = await insertClick(e.ctx, manual, { sub1: 'spring-promo' });
  const base = { click_id: clickId, token: manual.postbackSecret, txn_id: 'order-77' };
  const created = await sendAndResolve(e, base);
  expect(created.state).toBe('attributed');
  id = created.conversionId;
  const update = await sendAndResolve(e, { ...base, status: 'approved' });
  expect(update).toMatchObject({ state: 'status_updated', conversionId: id });
  const dup = await sendAndResolve(e, base);
  expect(dup).toMatchObject({ state: 'rejected', reason: 'duplicate', conversionId: id });
  pbIds.push(created.id, update.id, dup.id);
  expect((await e.adv.client.post(`/api/conversions/${id}/reject`, { note: 'Order refunded by the customer', shareNote: true })).status).toBe(200);
  expect((await e.admin.client.post(`/api/conversions/${id}/approve`, { note: 'internal: refund reversed' })).status).toBe(200);
}, 90_000);
afterAll(async () => { await e?.close(); });

describe('GET /api/conversions/:id', () => {
  it('shows an admin everything: click with visitor data, every postback that touched it, history with names and notes', async () => {
    const res = await e.admin.client.get(`/api/conversions/${id}`);
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d.conversion).toMatchObject({ id, status: 'approved', txnId: 'order-77', revenueCents: 1000, payoutCents: 700, campaignName: 'Detailed' });
    expect(d.click).toMatchObject({ id: clickId, linkId: manual.linkId, sub1: 'spring-promo', sub2: 'adset-1', valid: true, userAgent: 'Mozilla/5.0', visitor: 'v' });
    expect(d.postbacks.map((p: any) => p.id)).toEqual(pbIds);
    expect(d.postbacks.map((p: any) => p.state)).toEqual(['attributed', 'status_updated', 'rejected']);
    expect(d.postbacksComplete).toBe(true);
    expect(d.history.map((h: any) => [h.from, h.to])).toEqual([[null, 'pending'], ['pending', 'approved'], ['approved', 'rejected'], ['rejected', 'approved']]);
    expect(d.history[0].who).toMatchObject({ kind: 'postback', userId: null });
    expect(d.history[2]).toMatchObject({ reason: 'advertiser_rejected', note: 'Order refunded by the customer', noteShared: true, who: { kind: 'advertiser', label: 'advertiser', userId: e.adv.id } });
    expect(d.history[2].who.email).toMatch(/@/);
    expect(d.history[3]).toMatchObject({ note: 'internal: refund reversed', noteShared: false, who: { kind: 'admin', label: 'Admin', userId: e.admin.id } });
    expect(d.refusedChanges).toEqual([]);
    expect(d.payout).toBeNull();
  });

  it('shows the campaign’s advertiser the same, reviewers by role only', async () => {
    const res = await e.adv.client.get(`/api/conversions/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.conversion.revenueCents).toBe(1000);
    expect(res.body.click.userAgent).toBe('Mozilla/5.0');
    expect(res.body.postbacks).toHaveLength(3);
    expect(res.body.history[2].who).toEqual({ kind: 'advertiser', label: 'Advertiser', userId: null, email: null });
    expect(res.body.history[3].who).toEqual({ kind: 'admin', label: 'Network', userId: null, email: null });
    expect(res.body.history[3].note).toBe('internal: refund reversed');
  });

  it('shows the affiliate its conversion with the reason and shared notes, without revenue, postbacks or visitor data', async () => {
    const res = await e.aff.client.get(`/api/conversions/${id}`);
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d.conversion).not.toHaveProperty('revenueCents');
    expect(d.conversion).not.toHaveProperty('history');
    expect(d.conversion.payoutCents).toBe(700);
    expect(d).not.toHaveProperty('postbacks');
    expect(d).not.toHaveProperty('refusedChanges');
    expect(d.click).toMatchObject({ sub1: 'spring-promo', visitor: null, userAgent: null, country: null, referer: null, device: null, os: null, browser: null });
    expect(d.history[2]).toMatchObject({ to: 'rejected', reason: 'advertiser_rejected', note: 'Order refunded by the customer', who: { label: 'Advertiser', userId: null } });
    // Notes not shared (the admin's, the postbacks') stay hidden.
    expect(d.history[3]).toMatchObject({ to: 'approved', note: '', noteShared: false });
    expect(d.history[1].note).toBe('');
    expect(JSON.stringify(d)).not.toContain('internal');
    expect(JSON.stringify(d)).not.toContain('revenue');
  });

  it('answers 404 to other advertisers and affiliates and for unknown ids, 401 without a session, 400 for a bad id', async () => {
    const stranger = await register(e.api.url, 'advertiser');
    expect((await stranger.client.get(`/api/conversions/${id}`)).status).toBe(404);
    const otherAff = await approvedAffiliate(e.api.url, e.admin.client);
    expect((await otherAff.client.get(`/api/conversions/${id}`)).status).toBe(404);
    expect((await e.admin.client.get('/api/conversions/aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await new TestClient(e.api.url).get(`/api/conversions/${id}`)).status).toBe(401);
    expect((await e.admin.client.get('/api/conversions/nope')).status).toBe(400);
  });

  it('shows a conversion stored before postback ids were kept with the postbacks its history names, and says the list may be short', async () => {
    await e.ctx.models.Conversion.updateOne({ _id: id }, { $unset: { postbackIds: 1 } });
    const res = await e.admin.client.get(`/api/conversions/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.postbacksComplete).toBe(false);
    // The creating postback and the status update (named in the history), not the refused duplicate.
    expect(res.body.postbacks.map((p: any) => p.id)).toEqual(pbIds.slice(0, 2));
  });

  it('shows the payout that holds it', async () => {
    const payoutId = 'cccccccccccccccccccccccc';
    await e.ctx.db.collection('payouts').insertOne({ _id: payoutId as never, status: 'approved', periodEnd: new Date('2026-11-30T00:00:00Z') });
    await e.ctx.models.Conversion.updateOne({ _id: id }, { $set: { payoutId } });
    const res = await e.aff.client.get(`/api/conversions/${id}`);
    expect(res.body.payout).toEqual({ id: payoutId, status: 'approved', periodEnd: '2026-11-30T00:00:00.000Z' });
  });
});
