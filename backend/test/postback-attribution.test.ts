import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetCampaignTokens } from '../src/conversions/campaign-by-token';
import { clicksCollectionName, findClick, listClickPartitions, testClicks } from '../src/db/raw-events';
import { newClickId } from '../src/domain/click-id';
import { hourStart } from '../src/domain/time-buckets';
import { computeRawRows } from '../src/rollups/compute';
import { approvedAffiliate, register } from './helpers/api';
import { campaignWithLink, insertClick, postback, resolved, sendAndResolve, startPostbackEnv, until, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

let e: PostbackEnv;
let cpa: TestCampaign;

beforeAll(async () => {
  e = await startPostbackEnv();
  cpa = await campaignWithLink(e);
}, 60_000);
afterAll(async () => { await e?.close(); });

const conversion = async (id: string) => e.ctx.models.Conversion.findById(id).lean();

describe('attribution', () => {
  it('attributes a postback to its click and approves it on an auto-approval campaign', async () => {
    const click = await insertClick(e.ctx, cpa, { sub1: 'summer' });
    const pb = await sendAndResolve(e, { click_id: click, txn_id: 'order-1', token: cpa.postbackSecret });
    expect(pb).toMatchObject({ state: 'attributed', reason: null, campaignId: cpa.id, test: false });
    expect(pb.conversionId).toBe(pb.id);
    expect(pb.params).toMatchObject({ click_id: click, txn_id: 'order-1' });
    expect(pb.params.token).toBe(`${cpa.postbackSecret.slice(0, 4)}…`);
    const c = await conversion(pb.conversionId);
    expect(c).toMatchObject({
      clickId: click, campaignId: cpa.id, affiliateId: e.aff.id, advertiserId: e.adv.id, txnId: 'order-1', status: 'approved',
      approved: 1, pending: 0, rejected: 0, revenueCents: 1000, payoutCents: 700, revApprovedCents: 1000, payApprovedCents: 700,
      revPendingCents: 0, payPendingCents: 0, suspectedFraud: false, capHeld: true, sub1: 'summer', currency: 'USD',
    });
    expect(c!.history).toHaveLength(1);
    expect(c!.history[0]).toMatchObject({ from: null, to: 'approved', by: null });
  });

  it('holds conversions as pending on a manual-approval campaign', async () => {
    const manual = await campaignWithLink(e, { name: 'Manual', approvalMode: 'manual' });
    const pb = await sendAndResolve(e, { click_id: await insertClick(e.ctx, manual), txn_id: 'm-1', token: manual.postbackSecret });
    expect(pb.state).toBe('attributed');
    expect(await conversion(pb.conversionId)).toMatchObject({ status: 'pending', pending: 1, revPendingCents: 1000, payPendingCents: 700, revApprovedCents: 0 });
  });

  it('flags a conversion that follows its click too fast as suspected fraud and holds it as pending', async () => {
    const quick = await campaignWithLink(e, { name: 'Quick', minClickToConversionSeconds: 120 });
    const pb = await sendAndResolve(e, { click_id: await insertClick(e.ctx, quick, { ts: Date.now() - 5000 }), txn_id: 'q-1', token: quick.postbackSecret });
    expect(pb.state).toBe('attributed');
    expect(pb.detail).toContain('suspected fraud');
    expect(await conversion(pb.conversionId)).toMatchObject({ status: 'pending', suspectedFraud: true });
    // Past the minimum it is approved as usual.
    const later = await sendAndResolve(e, { click_id: await insertClick(e.ctx, quick, { ts: Date.now() - 300_000 }), txn_id: 'q-2', token: quick.postbackSecret });
    expect(await conversion(later.conversionId)).toMatchObject({ status: 'approved', suspectedFraud: false });
  });

  it('accepts a status from the advertiser: pending stays pending, rejected is stored as rejected', async () => {
    const p = await sendAndResolve(e, { click_id: await insertClick(e.ctx, cpa), txn_id: 's-1', status: 'pending', token: cpa.postbackSecret });
    expect(await conversion(p.conversionId)).toMatchObject({ status: 'pending' });
    const r = await sendAndResolve(e, { click_id: await insertClick(e.ctx, cpa), txn_id: 's-2', status: 'rejected', token: cpa.postbackSecret });
    expect(r.state).toBe('attributed');
    expect(await conversion(r.conversionId)).toMatchObject({ status: 'rejected', reason: 'advertiser_rejected', capHeld: false });
  });

  it('updates the status of an existing conversion by txn_id, or by click when none is sent', async () => {
    const manual = await campaignWithLink(e, { name: 'Manual 2', approvalMode: 'manual', caps: { dailyConversions: 5 } });
    const click = await insertClick(e.ctx, manual);
    const first = await sendAndResolve(e, { click_id: click, txn_id: 'u-1', token: manual.postbackSecret });
    expect(await conversion(first.conversionId)).toMatchObject({ status: 'pending' });
    const upd = await sendAndResolve(e, { click_id: click, txn_id: 'u-1', status: 'approved', token: manual.postbackSecret });
    expect(upd).toMatchObject({ state: 'status_updated', conversionId: first.conversionId });
    const c = await conversion(first.conversionId);
    expect(c).toMatchObject({ status: 'approved', approved: 1, revApprovedCents: 1000 });
    expect(c!.history.map((h) => h.to)).toEqual(['pending', 'approved']);
    expect(c!.history[1]!.note).toBe(`postback ${upd.id}`);
    // Without txn_id the click names the conversion (one conversion per click).
    const rej = await sendAndResolve(e, { click_id: click, status: 'rejected', token: manual.postbackSecret });
    expect(rej).toMatchObject({ state: 'status_updated', conversionId: first.conversionId });
    expect(await conversion(first.conversionId)).toMatchObject({ status: 'rejected', reason: 'advertiser_rejected', capHeld: false });
    const counter = await e.ctx.models.CampaignCounter.findById(`${manual.id}|total`).lean();
    expect(counter).toMatchObject({ conversions: 0, spendCents: 0 });
  });

  it('works with the previous postback secret during its grace period only', async () => {
    const rot = await campaignWithLink(e, { name: 'Rotating' });
    const rotated = await e.adv.client.post(`/api/campaigns/${rot.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.campaign.postbackSecret as string;
    const old = await sendAndResolve(e, { click_id: await insertClick(e.ctx, rot), txn_id: 'r-1', token: rot.postbackSecret });
    expect(old.state).toBe('attributed');
    const now = await sendAndResolve(e, { click_id: await insertClick(e.ctx, rot), txn_id: 'r-2', token: fresh });
    expect(now.state).toBe('attributed');
    await e.ctx.models.Campaign.updateOne({ _id: rot.id }, { $set: { previousSecretValidUntil: new Date(Date.now() - 1000) } });
    forgetCampaignTokens(e.ctx, rot.id); // as an edit through the API does; intake would otherwise trust its last look for a few seconds
    const expired = await e.server.get(`/api/track/postback?click_id=${await insertClick(e.ctx, rot)}&txn_id=r-3&token=${rot.postbackSecret}`);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('bad_token');
  });

  it('waits for a click that is not stored yet, then attributes the postback when it appears', async () => {
    const ts = Date.now();
    const clickId = newClickId(ts);
    const id = await postback(e, { click_id: clickId, txn_id: 'late-1', token: cpa.postbackSecret });
    await new Promise((r) => setTimeout(r, 1200));
    const waiting = await e.admin.client.get(`/api/track/postback/${id}`);
    expect(waiting.body.postback).toMatchObject({ state: 'queued', campaignId: cpa.id });
    await insertClick(e.ctx, cpa, { ts, id: clickId });
    const pb = await resolved(e, id);
    expect(pb.state).toBe('attributed');
    expect(await conversion(pb.conversionId)).toMatchObject({ clickId, status: 'approved' });
  });

  it('gives up waiting for a click after POSTBACK_CLICK_WAIT_SECONDS', async () => {
    const wait = e.ctx.config.POSTBACK_CLICK_WAIT_SECONDS * 1000;
    const clickId = newClickId(Date.now() - wait + 1500); // its wait ends 1.5 s from now
    const pb = await sendAndResolve(e, { click_id: clickId, txn_id: 'never', token: cpa.postbackSecret });
    expect(pb).toMatchObject({ state: 'rejected', reason: 'unknown_click' });
  });
});

describe('rejection reasons', () => {
  const expectRejected = async (params: Record<string, string>, reason: string) => {
    const pb = await sendAndResolve(e, params);
    expect(pb.state, JSON.stringify(pb)).toBe('rejected');
    expect(pb.reason).toBe(reason);
    expect(pb.resolvedAt).toBeTruthy();
    return pb;
  };

  it('bad_token: an unknown or missing token is answered 401 at intake and never stored', async () => {
    const click = await insertClick(e.ctx, cpa);
    const before = await e.ctx.models.Postback.countDocuments({});
    for (const qs of [`click_id=${click}&txn_id=bt-1&token=not-a-secret`, `click_id=${click}&txn_id=bt-2`]) {
      const res = await e.server.get(`/api/track/postback?${qs}`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('bad_token');
    }
    expect(await e.ctx.models.Postback.countDocuments({})).toBe(before);
  });

  it('unknown_click: malformed id, an old id never stored, a click of another campaign', async () => {
    await expectRejected({ click_id: 'abc', token: cpa.postbackSecret }, 'unknown_click');
    await expectRejected({ click_id: 'g'.repeat(32), token: cpa.postbackSecret }, 'unknown_click');
    await expectRejected({ click_id: newClickId(Date.now() - 2 * 86_400_000), token: cpa.postbackSecret }, 'unknown_click');
    const other = await campaignWithLink(e, { name: 'Other' });
    await expectRejected({ click_id: await insertClick(e.ctx, other), token: cpa.postbackSecret }, 'unknown_click');
  });

  it('invalid_click: the click was judged invalid', async () => {
    const pb = await expectRejected({ click_id: await insertClick(e.ctx, cpa, { valid: false, reason: 'bot' }), token: cpa.postbackSecret }, 'invalid_click');
    expect(pb.detail).toContain('bot');
  });

  it('expired: the click is older than the attribution window', async () => {
    const short = await campaignWithLink(e, { name: 'Short window', attributionWindowDays: 1 });
    await expectRejected({ click_id: await insertClick(e.ctx, short, { ts: Date.now() - 2 * 86_400_000 }), token: short.postbackSecret }, 'expired');
  });

  it('duplicate: the same txn_id twice, and a second conversion on a one-conversion click', async () => {
    const click = await insertClick(e.ctx, cpa);
    const first = await sendAndResolve(e, { click_id: click, txn_id: 'dup-1', token: cpa.postbackSecret });
    expect(first.state).toBe('attributed');
    const again = await expectRejected({ click_id: click, txn_id: 'dup-1', token: cpa.postbackSecret }, 'duplicate');
    expect(again.conversionId).toBe(first.conversionId);
    // Same txn_id on another click of the campaign: still the same transaction.
    await expectRejected({ click_id: await insertClick(e.ctx, cpa), txn_id: 'dup-1', token: cpa.postbackSecret }, 'duplicate');
    // Another txn_id on the same click.
    const byClick = await expectRejected({ click_id: click, txn_id: 'dup-2', token: cpa.postbackSecret }, 'duplicate');
    expect(byClick.detail).toContain('click');
  });

  it('allows several conversions per click when the campaign says so', async () => {
    const multi = await campaignWithLink(e, { name: 'Multi', oneConversionPerClick: false });
    const click = await insertClick(e.ctx, multi);
    expect((await sendAndResolve(e, { click_id: click, txn_id: 'a', token: multi.postbackSecret })).state).toBe('attributed');
    expect((await sendAndResolve(e, { click_id: click, txn_id: 'b', token: multi.postbackSecret })).state).toBe('attributed');
    expect((await sendAndResolve(e, { click_id: click, token: multi.postbackSecret })).state).toBe('attributed');
    await expectRejected({ click_id: click, txn_id: 'a', token: multi.postbackSecret }, 'duplicate');
  });

  it('cap_reached and budget_exhausted', async () => {
    const capped = await campaignWithLink(e, { name: 'Capped', caps: { dailyConversions: 1 } });
    expect((await sendAndResolve(e, { click_id: await insertClick(e.ctx, capped), token: capped.postbackSecret })).state).toBe('attributed');
    const over = await expectRejected({ click_id: await insertClick(e.ctx, capped), token: capped.postbackSecret }, 'cap_reached');
    expect(await conversion(over.conversionId)).toMatchObject({ status: 'rejected', reason: 'cap_reached', capHeld: false, rejected: 1 });
    const budget = await campaignWithLink(e, { name: 'Budget', caps: { totalBudgetCents: 1500 } });
    expect((await sendAndResolve(e, { click_id: await insertClick(e.ctx, budget), token: budget.postbackSecret })).state).toBe('attributed');
    await expectRejected({ click_id: await insertClick(e.ctx, budget), token: budget.postbackSecret }, 'budget_exhausted');
  });

  it('affiliate_inactive: the affiliate was suspended', async () => {
    const aff2 = await register(e.api.url, 'affiliate');
    await e.admin.client.post(`/api/admin/affiliates/${aff2.id}/approve`);
    const c = await campaignWithLink(e, { name: 'Aff2' }, aff2);
    const click = await insertClick(e.ctx, c);
    expect((await e.admin.client.post(`/api/admin/affiliates/${aff2.id}/suspend`)).status).toBe(200);
    await expectRejected({ click_id: click, token: c.postbackSecret }, 'affiliate_inactive');
  });

  it('campaign_inactive: the campaign is archived (paused campaigns still convert)', async () => {
    const c = await campaignWithLink(e, { name: 'Paused then archived' });
    await e.adv.client.post(`/api/campaigns/${c.id}/pause`);
    expect((await sendAndResolve(e, { click_id: await insertClick(e.ctx, c), token: c.postbackSecret })).state).toBe('attributed');
    await e.adv.client.post(`/api/campaigns/${c.id}/archive`);
    await expectRejected({ click_id: await insertClick(e.ctx, c), token: c.postbackSecret }, 'campaign_inactive');
  });

  it('amount_required and currency_mismatch', async () => {
    const cps = await campaignWithLink(e, { name: 'CPS', payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1000, payoutBps: 500 });
    await expectRejected({ click_id: await insertClick(e.ctx, cps), token: cps.postbackSecret }, 'amount_required');
    await expectRejected({ click_id: await insertClick(e.ctx, cps), amount: '10.00', currency: 'eur', token: cps.postbackSecret }, 'currency_mismatch');
    expect((await sendAndResolve(e, { click_id: await insertClick(e.ctx, cps), amount: '10.00', currency: 'usd', token: cps.postbackSecret })).state).toBe('attributed');
  });

  it('invalid_request: an amount beyond the largest sum Offerly handles', async () => {
    const pb = await expectRejected({ click_id: await insertClick(e.ctx, cpa), amount: '999999999999.99', token: cpa.postbackSecret }, 'invalid_request');
    expect(pb.detail).toContain('amount');
  });
});

describe('visibility of postbacks', () => {
  it('shows a postback to its campaign’s advertiser and admins only', async () => {
    const good = await sendAndResolve(e, { click_id: await insertClick(e.ctx, cpa), token: cpa.postbackSecret });
    const other = await register(e.api.url, 'advertiser');
    expect((await e.adv.client.get(`/api/track/postback/${good.id}`)).status).toBe(200);
    expect((await other.client.get(`/api/track/postback/${good.id}`)).status).toBe(404);
    expect((await e.adv.client.get('/api/track/postback/not-an-id')).status).toBe(400);
    expect((await e.aff.client.get(`/api/track/postback/${good.id}`)).status).toBe(403);

    const mine = await e.adv.client.get(`/api/postbacks?campaignId=${cpa.id}&limit=500`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((p: any) => p.id)).toContain(good.id);
    expect(mine.body.items.every((p: any) => p.campaignId === cpa.id)).toBe(true);
    expect((await other.client.get('/api/postbacks')).body.total).toBe(0);
  });

  it('leaves no postback unresolved', async () => {
    await until('every postback resolved', async () => (await e.ctx.models.Postback.countDocuments({ state: 'queued' })) === 0);
    const all = await e.ctx.models.Postback.find({}).lean();
    expect(all.length).toBeGreaterThan(30);
    for (const pb of all) {
      expect(pb.resolvedAt).toBeTruthy();
      if (pb.state === 'rejected') expect(pb.reason).toBeTruthy();
    }
  });
});

describe('test postback', () => {
  it('needs an affiliate link, then resolves through the pipeline without recording money', async () => {
    const lonely = await e.adv.client.post('/api/campaigns', { name: 'No links', destinationUrl: 'https://x.example.com/?c={click_id}', payoutModel: 'CPA', revenueCents: 100, payoutCents: 50 });
    const none = await e.adv.client.post(`/api/campaigns/${lonely.body.campaign.id}/test-postback`);
    expect(none.status).toBe(409);

    // A second affiliate's link, newer: the test click still goes to the campaign's oldest link.
    const other = await approvedAffiliate(e.api.url, e.admin.client);
    expect((await other.client.get(`/api/campaigns/${cpa.id}/link`)).status).toBe(200);
    const before = await e.ctx.models.Conversion.countDocuments({});
    const res = await e.adv.client.post(`/api/campaigns/${cpa.id}/test-postback`);
    expect(res.status).toBe(200);
    expect(res.body.clickId).toMatch(/^[0-9a-f]{32}$/);
    expect((await testClicks(e.ctx.db).findOne({ _id: res.body.clickId }))?.linkId).toBe(cpa.linkId);
    // Visible at once, before the worker gets to it.
    const first = await e.adv.client.get(`/api/track/postback/${res.body.postbackId}`);
    expect(first.status).toBe(200);
    expect(first.body.postback.test).toBe(true);
    const pb = await resolved(e, res.body.postbackId);
    expect(pb).toMatchObject({ state: 'attributed', test: true, conversionId: null });
    expect(pb.detail).toContain('would be approved');
    expect(pb.detail).toContain('payout 7.00 USD');
    // A postback from the advertiser's own server for the test click is a dry run too.
    const own = await sendAndResolve(e, { click_id: res.body.clickId, txn_id: 'from-server', token: cpa.postbackSecret });
    expect(own).toMatchObject({ state: 'attributed', conversionId: null });
    expect(await e.ctx.models.Conversion.countDocuments({})).toBe(before);

    const stranger = await register(e.api.url, 'advertiser');
    expect((await stranger.client.post(`/api/campaigns/${cpa.id}/test-postback`)).status).toBe(404);
    expect((await e.admin.client.post(`/api/campaigns/${cpa.id}/test-postback`)).status).toBe(200);
  });

  it('keeps test clicks out of the traffic: no day partition holds them and no stats count them', async () => {
    const slow = await campaignWithLink(e, { name: 'Slow converter', minClickToConversionSeconds: 86_400 });
    const res = await e.adv.client.post(`/api/campaigns/${slow.id}/test-postback`);
    expect(res.status).toBe(200);
    const click = (await findClick(e.ctx.db, res.body.clickId))!;
    expect(Date.now() - click.ts.getTime()).toBeGreaterThan(86_400_000);
    expect(await testClicks(e.ctx.db).countDocuments({ _id: res.body.clickId })).toBe(1);
    for (const day of await listClickPartitions(e.ctx.db)) {
      expect(await e.ctx.db.collection(clicksCollectionName(day)).countDocuments({ campaignId: slow.id })).toBe(0);
    }
    const hour = hourStart(click.ts.getTime());
    const { rows } = await computeRawRows(e.ctx, [hour], { scope: { campaignId: slow.id } });
    expect([...rows.values()].reduce((n, r) => n + r.clicks, 0)).toBe(0);
    expect(await resolved(e, res.body.postbackId)).toMatchObject({ state: 'attributed', conversionId: null });
  });
});
