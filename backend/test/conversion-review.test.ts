import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeConversionStatus } from '../src/conversions/status-change';
import { listDirtyHours, ROLLUP_DIRTY } from '../src/db/rollup-dirty';
import { dayKey, hourStart } from '../src/domain/time-buckets';
import { readLive } from '../src/realtime/live-counters';
import { approvedAdvertiser, approvedAffiliate, register } from './helpers/api';
import { campaignWithLink, insertClick, sendAndResolve, startPostbackEnv, type Party, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/** Only the conversion worker runs, so delivery jobs stay in their queue and can be looked at. */
let e: PostbackEnv;
let manual: TestCampaign;

beforeAll(async () => {
  e = await startPostbackEnv({}, ['conversions']);
  manual = await campaignWithLink(e, { name: 'Reviewed', approvalMode: 'manual' });
}, 60_000);
afterAll(async () => { await e?.close(); });

async function convert(c: TestCampaign, extra: Record<string, string> = {}) {
  const pb = await sendAndResolve(e, { click_id: await insertClick(e.ctx, c), token: c.postbackSecret, ...extra });
  return pb;
}

const counter = (c: TestCampaign, day = dayKey(Date.now())) => e.ctx.models.CampaignCounter.findById(`${c.id}|${day}`).lean();
const liveToday = async (c: TestCampaign) => (await readLive(e.ctx.redis, e.ctx.keys, 'campaign', c.id)).today;

describe('conversion review', () => {
  it('approves and rejects pending conversions, keeping who/when/from/to/note', async () => {
    const pb = await convert(manual);
    const id = pb.conversionId as string;
    const approved = await e.adv.client.post(`/api/conversions/${id}/approve`, { note: 'looks good' });
    expect(approved.status).toBe(200);
    expect(approved.body.conversion).toMatchObject({ id, status: 'approved', campaignName: 'Reviewed', revenueCents: 1000, payoutCents: 700, reason: null });
    const h = approved.body.conversion.history;
    expect(h).toHaveLength(2);
    expect(h[1]).toMatchObject({ by: e.adv.id, from: 'pending', to: 'approved', note: 'looks good' });
    expect(Date.parse(h[1].at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await e.ctx.models.Conversion.findById(id).lean()).toMatchObject({ approved: 1, pending: 0, revApprovedCents: 1000, revPendingCents: 0, payApprovedCents: 700 });

    const again = await e.adv.client.post(`/api/conversions/${id}/approve`, {});
    expect(again.status).toBe(409);

    const rejected = await e.admin.client.post(`/api/conversions/${id}/reject`, { note: 'chargeback' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.conversion).toMatchObject({ status: 'rejected', reason: 'admin_rejected' });
    expect(rejected.body.conversion.history.map((x: any) => x.to)).toEqual(['pending', 'approved', 'rejected']);
    expect(await e.ctx.models.Conversion.findById(id).lean()).toMatchObject({ approved: 0, rejected: 1, revApprovedCents: 0, payApprovedCents: 0, capHeld: false, approvedAt: null });

    // Each transition is announced to the affiliate once (job id: its position in the history), and the hour is re-rolled.
    for (const seq of [1, 2, 3]) expect(await e.ctx.queues.deliveries.getJob(`conv:${id}:${seq}`)).toBeTruthy();
    expect(await e.ctx.queues.deliveries.getJob(`conv:${id}:4`)).toBeFalsy();
    const dirty = await listDirtyHours(e.ctx.db);
    const conv = await e.ctx.models.Conversion.findById(id).lean();
    expect(dirty.map((d) => d._id.getTime())).toContain(hourStart(conv!.convertedAt.getTime()));
  });

  it('answers 409 for a conversion in a payout, 404 for others’ and unknown ones, 403 for affiliates', async () => {
    const pb = await convert(manual);
    const id = pb.conversionId as string;
    const stranger = await register(e.api.url, 'advertiser');
    expect((await stranger.client.post(`/api/conversions/${id}/approve`)).status).toBe(404);
    expect((await e.aff.client.post(`/api/conversions/${id}/approve`)).status).toBe(403);
    expect((await e.adv.client.post('/api/conversions/aaaaaaaaaaaaaaaaaaaaaaaa/approve')).status).toBe(404);
    expect((await e.adv.client.post('/api/conversions/nope/approve')).status).toBe(400);
    expect((await e.adv.client.post(`/api/conversions/${id}/approve`, { note: 5 })).status).toBe(400);
    await e.ctx.models.Conversion.updateOne({ _id: id }, { $set: { payoutId: 'bbbbbbbbbbbbbbbbbbbbbbbb' } });
    const paid = await e.adv.client.post(`/api/conversions/${id}/reject`);
    expect(paid.status).toBe(409);
    expect(paid.body.error.message).toContain('payout');
  });

  it('lets only one of two concurrent reviews win', async () => {
    const pb = await convert(manual);
    const id = pb.conversionId as string;
    // The same transition twice: applied one after the other, the second is refused either way.
    const [a, b] = await Promise.all([e.adv.client.post(`/api/conversions/${id}/approve`), e.admin.client.post(`/api/conversions/${id}/approve`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((await e.ctx.models.Conversion.findById(id).lean())!.history).toHaveLength(2);
  });

  it('rejecting gives the cap place back, so a new postback fits; re-approving must pass the gate again', async () => {
    const capped = await campaignWithLink(e, { name: 'Cap 1', caps: { dailyConversions: 1 } });
    const first = await convert(capped);
    expect(first.state).toBe('attributed');
    expect((await convert(capped)).reason).toBe('cap_reached');
    expect(await counter(capped)).toMatchObject({ conversions: 1, spendCents: 1000 });

    expect((await e.adv.client.post(`/api/conversions/${first.conversionId}/reject`, { note: 'fraud' })).status).toBe(200);
    expect(await counter(capped)).toMatchObject({ conversions: 0, spendCents: 0 });
    expect(await counter(capped, 'total')).toMatchObject({ conversions: 0 });

    const next = await convert(capped);
    expect(next.state).toBe('attributed');
    const back = await e.adv.client.post(`/api/conversions/${first.conversionId}/approve`);
    expect(back.status).toBe(409);
    expect(back.body.error.details).toEqual({ reason: 'cap_reached' });
    expect((await e.ctx.models.Conversion.findById(first.conversionId).lean())!.status).toBe('rejected');

    expect((await e.adv.client.post(`/api/conversions/${next.conversionId}/reject`)).status).toBe(200);
    expect((await e.adv.client.post(`/api/conversions/${first.conversionId}/approve`)).status).toBe(200);
    expect(await counter(capped)).toMatchObject({ conversions: 1, spendCents: 1000 });
    expect(await e.ctx.models.Conversion.findById(first.conversionId).lean()).toMatchObject({ status: 'approved', capHeld: true });
  });

  it('keeps live totals right through reviews', async () => {
    const c = await campaignWithLink(e, { name: 'Live', approvalMode: 'manual' });
    const a = await convert(c);
    const b = await convert(c);
    expect(await liveToday(c)).toMatchObject({ conversions: 2, money: { USD: { revenueCents: 2000, payoutCents: 1400 } } });
    await e.adv.client.post(`/api/conversions/${a.conversionId}/approve`);
    expect(await liveToday(c)).toMatchObject({ conversions: 2 });
    await e.adv.client.post(`/api/conversions/${b.conversionId}/reject`);
    expect(await liveToday(c)).toMatchObject({ conversions: 1, money: { USD: { revenueCents: 1000, payoutCents: 700 } } });
    await e.adv.client.post(`/api/conversions/${b.conversionId}/approve`);
    expect(await liveToday(c)).toMatchObject({ conversions: 2, money: { USD: { revenueCents: 2000, payoutCents: 1400 } } });
  });

  it('marks the hour before the change: a change whose hour cannot be marked is refused rather than applied unmarked', async () => {
    const pb = await convert(manual);
    const id = pb.conversionId as string;
    const conv = (await e.ctx.models.Conversion.findById(id).lean())!;
    const hour = new Date(hourStart(conv.convertedAt.getTime()));
    // A mark whose version cannot be bumped ($inc on a string): every MongoDB-wire server refuses that write.
    const dirty = e.ctx.db.collection<{ _id: Date; v: unknown; markedAt: Date }>(ROLLUP_DIRTY);
    await dirty.deleteOne({ _id: hour });
    await dirty.insertOne({ _id: hour, v: 'stuck', markedAt: new Date() });
    try {
      await expect(changeConversionStatus(e.ctx, id, 'approved', { by: null })).rejects.toThrow();
      expect(await e.ctx.models.Conversion.findById(id).lean()).toMatchObject({ status: 'pending', history: [expect.objectContaining({ to: 'pending' })] });
    } finally {
      await dirty.deleteOne({ _id: hour });
    }
    expect((await e.adv.client.post(`/api/conversions/${id}/approve`)).status).toBe(200);
    expect((await listDirtyHours(e.ctx.db)).map((d) => d._id.getTime())).toContain(hour.getTime());
  });

  it('is callable by scheduled jobs as changeConversionStatus', async () => {
    const pb = await convert(manual);
    const updated = await changeConversionStatus(e.ctx, pb.conversionId, 'approved', { by: null, note: 'auto-approved after 30 days' });
    expect(updated).toMatchObject({ status: 'approved' });
    expect(updated.history.at(-1)).toMatchObject({ by: null, from: 'pending', to: 'approved', note: 'auto-approved after 30 days' });
    await expect(changeConversionStatus(e.ctx, pb.conversionId, 'approved', { by: null })).rejects.toMatchObject({ status: 409 });
  });
});

describe('admin decisions', () => {
  it('an admin’s rejection stands against the advertiser’s review, status postbacks and jobs; each attempt is answered admin_decided and recorded', async () => {
    const click = await insertClick(e.ctx, manual);
    const pb = await sendAndResolve(e, { click_id: click, txn_id: 'adm-1', token: manual.postbackSecret });
    const id = pb.conversionId as string;
    const rejected = await e.admin.client.post(`/api/conversions/${id}/reject`, { note: 'fraud ring' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.conversion.adminDecision).toMatchObject({ by: e.admin.id, status: 'rejected', note: 'fraud ring' });

    // The advertiser's review: 409 with the reason, nothing changed, the attempt kept.
    const review = await e.adv.client.post(`/api/conversions/${id}/approve`, { note: 'we saw the sale' });
    expect(review.status).toBe(409);
    expect(review.body.error).toMatchObject({ code: 'conflict', details: { reason: 'admin_decided', status: 'rejected' } });
    // A status postback: resolved as rejected with the same reason.
    const update = await sendAndResolve(e, { click_id: click, txn_id: 'adm-1', status: 'approved', token: manual.postbackSecret });
    expect(update).toMatchObject({ state: 'rejected', reason: 'admin_decided', conversionId: id });
    // A scheduled job (auto-approval) goes through the same status change.
    await expect(changeConversionStatus(e.ctx, id, 'approved', { by: 'system', note: 'auto-approved after 3 days' })).rejects.toMatchObject({ status: 409, details: { reason: 'admin_decided' } });

    const conv = await e.ctx.models.Conversion.findById(id).lean();
    expect(conv).toMatchObject({ status: 'rejected', reason: 'admin_rejected', approved: 0, rejected: 1, capHeld: false });
    expect(conv!.history.map((h) => h.to)).toEqual(['pending', 'rejected']);
    expect(conv!.refusedChanges!.map((r) => ({ by: r.by, to: r.to, reason: r.reason }))).toEqual([
      { by: e.adv.id, to: 'approved', reason: 'admin_decided' },
      { by: null, to: 'approved', reason: 'admin_decided' },
      { by: 'system', to: 'approved', reason: 'admin_decided' },
    ]);
    const listed = await e.adv.client.get(`/api/conversions?campaignId=${manual.id}&status=rejected`);
    expect(listed.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({ adminDecision: { status: 'rejected' }, refusedChanges: expect.arrayContaining([expect.objectContaining({ by: e.adv.id })]) });
  });

  it('an admin’s approval stands too, and another admin review may change either', async () => {
    const pb = await convert(manual, { txn_id: 'adm-2' });
    const id = pb.conversionId as string;
    expect((await e.admin.client.post(`/api/conversions/${id}/approve`, {})).status).toBe(200);
    const review = await e.adv.client.post(`/api/conversions/${id}/reject`, {});
    expect(review.status).toBe(409);
    expect(review.body.error.details).toMatchObject({ reason: 'admin_decided', status: 'approved' });
    const second = await e.admin.client.post(`/api/conversions/${id}/reject`, { note: 'chargeback' });
    expect(second.status).toBe(200);
    expect(second.body.conversion).toMatchObject({ status: 'rejected', reason: 'admin_rejected', adminDecision: { status: 'rejected', note: 'chargeback' } });
  });

  it('leaves conversions no admin reviewed to advertisers and postbacks, as before', async () => {
    const pb = await convert(manual, { txn_id: 'adm-3' });
    const id = pb.conversionId as string;
    // Conversions stored before admin decisions existed have no such field at all.
    await e.ctx.models.Conversion.collection.updateOne({ _id: id } as never, { $unset: { adminDecision: '', refusedChanges: '' } });
    expect((await e.adv.client.post(`/api/conversions/${id}/reject`, {})).status).toBe(200);
    expect((await e.adv.client.post(`/api/conversions/${id}/approve`, {})).status).toBe(200);
    const conv = await e.ctx.models.Conversion.findById(id).lean();
    expect(conv).toMatchObject({ status: 'approved' });
    expect(conv!.adminDecision ?? null).toBeNull();
  });
});

describe('conversion lists', () => {
  let other: TestCampaign;
  let aff2: Party;

  beforeAll(async () => {
    aff2 = await approvedAffiliate(e.api.url, e.admin.client, 'second');
    const adv2 = await approvedAdvertiser(e.api.url, e.admin.client);
    other = await campaignWithLink(e, { name: 'Other advertiser' }, aff2, adv2);
    await convert(other);
  });

  it('scopes by role: advertisers their campaigns, affiliates their own (without revenue), admins all', async () => {
    const adv = await e.adv.client.get('/api/conversions?limit=500');
    expect(adv.status).toBe(200);
    expect(adv.body.total).toBeGreaterThan(0);
    expect(adv.body.items.every((c: any) => c.campaignId !== other.id && typeof c.revenueCents === 'number' && c.campaignName)).toBe(true);
    expect(adv.body.items.some((c: any) => c.status === 'processing')).toBe(false);

    const aff = await aff2.client.get('/api/conversions');
    expect(aff.body.total).toBe(1);
    expect(aff.body.items[0]).toMatchObject({ campaignId: other.id, campaignName: 'Other advertiser', payoutCents: 700, status: 'approved' });
    expect(aff.body.items[0]).not.toHaveProperty('revenueCents');
    expect(aff.body.items[0]).not.toHaveProperty('history');
    // An affiliate cannot widen its scope.
    expect((await aff2.client.get(`/api/conversions?affiliateId=${e.aff.id}`)).body.total).toBe(1);

    const admin = await e.admin.client.get(`/api/conversions?campaignId=${other.id}`);
    expect(admin.body.total).toBe(1);
    const all = await e.admin.client.get('/api/conversions?limit=1');
    expect(all.body).toMatchObject({ limit: 1, items: [expect.any(Object)], nextCursor: expect.any(String) });
    expect(all.body.total).toBe(adv.body.total + 1);
  });

  it('filters by status, affiliate and time, and refuses bad filters', async () => {
    const pending = await e.adv.client.get(`/api/conversions?status=pending&campaignId=${manual.id}`);
    expect(pending.body.items.every((c: any) => c.status === 'pending')).toBe(true);
    const byAff = await e.admin.client.get(`/api/conversions?affiliateId=${aff2.id}`);
    expect(byAff.body.total).toBe(1);
    const future = await e.adv.client.get(`/api/conversions?from=${new Date(Date.now() + 3_600_000).toISOString()}`);
    // Under a date filter no counter answers the total: null (docs/api.md).
    expect(future.body).toMatchObject({ items: [], total: null, nextCursor: null });
    const today = await e.adv.client.get(`/api/conversions?from=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}`);
    expect(today.body.items.length).toBeGreaterThan(0);
    expect((await e.adv.client.get('/api/conversions?status=processing')).status).toBe(400);
    expect((await e.adv.client.get('/api/conversions?from=yesterday')).status).toBe(400);
    expect((await e.adv.client.get('/api/conversions?limit=501')).status).toBe(400);
  });
});
