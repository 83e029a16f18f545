import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import type { PayoutDoc } from '../src/db/models/payout';
import { payoutClaims } from '../src/db/payout-claims';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { acquireLock } from '../src/job-runs/lock';
import { duePayables } from '../src/payouts/payable-queue';
import { addHolds, markOpen } from '../src/payouts/payout-holds';
import { buildPayout, runPayouts } from '../src/payouts/run';
import { approvedAdvertiser, approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let api: ApiServer;
let b: RawEventsBuilder;
let admin: { client: TestClient; id: string };
let affA: { client: TestClient; id: string };
let affB: { client: TestClient; id: string };
let usd: BuiltCampaign;
let eur: BuiltCampaign;
const now = Date.now();
const daysAgo = (d: number) => now - d * DAY_MS;

async function linesOf(payoutId: string) {
  return ctx.models.PayoutLine.find({ payoutId }).lean();
}

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '5000' });
  api = await startTestApi(ctx);
  b = new RawEventsBuilder(ctx);
  admin = await createAdmin(ctx, api.url);
  affA = await approvedAffiliate(api.url, admin.client, 'Alice');
  affB = await approvedAffiliate(api.url, admin.client, 'Bob');
  const adv = await approvedAdvertiser(api.url, admin.client);
  usd = await b.campaign({ name: 'Dollars', advertiserId: adv.id });
  eur = await b.campaign({ name: 'Euros', advertiserId: adv.id, currency: 'EUR' });
  await b.addConversions([
    ...Array.from({ length: 10 }, (_, i) => ({ at: daysAgo(10) + i * 1000, campaign: usd, affiliateId: affA.id, payoutCents: 700 })),
    // inside the hold period, pending, rejected: not eligible
    { at: daysAgo(2), campaign: usd, affiliateId: affA.id, payoutCents: 700 },
    { at: daysAgo(3), campaign: usd, affiliateId: affA.id, payoutCents: 700 },
    { at: daysAgo(10), campaign: usd, affiliateId: affA.id, payoutCents: 700, status: 'pending' as const },
    { at: daysAgo(10), campaign: usd, affiliateId: affA.id, payoutCents: 700, status: 'rejected' as const },
    // below the minimum: carried over
    ...Array.from({ length: 3 }, (_, i) => ({ at: daysAgo(12) + i * 1000, campaign: eur, affiliateId: affA.id, payoutCents: 700 })),
    ...Array.from({ length: 8 }, (_, i) => ({ at: daysAgo(8) + i * 1000, campaign: usd, affiliateId: affB.id, payoutCents: 1000 })),
  ]);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

describe('payout runs', () => {
  it('pays approved conversions past the hold period per affiliate and currency, carrying small totals over', async () => {
    const counts = await runPayouts(ctx, { runId: 'run1', nowMs: now });
    expect(counts).toMatchObject({ payouts: 2, conversions: 18, carriedOver: 3, carriedOverGroups: 1 });
    const payouts = (await ctx.models.Payout.find({}).sort({ affiliateId: 1 }).lean()) as PayoutDoc[];
    const a = payouts.find((p) => p.affiliateId === affA.id)!;
    expect(a).toMatchObject({ currency: 'USD', amountCents: 7000, conversionCount: 10, status: 'pending_approval', buildKey: a._id });
    expect(a.history).toEqual([expect.objectContaining({ by: 'system', from: null, to: 'pending_approval' })]);
    expect(a.cutoff.getTime()).toBe(daysAgo(7));
    const lines = await linesOf(a._id);
    expect(lines).toHaveLength(10);
    expect(lines.every((l) => l._id === `${a._id}:${l.conversionId}` && l.amountCents === 700)).toBe(true);
    const claimed = await ctx.models.Conversion.countDocuments({ payoutId: a._id });
    expect(claimed).toBe(10);
    const b1 = payouts.find((p) => p.affiliateId === affB.id)!;
    expect(b1).toMatchObject({ amountCents: 8000, conversionCount: 8 });
  });

  it('creates nothing new when run again over the same period', async () => {
    const counts = await runPayouts(ctx, { runId: 'run2', nowMs: now });
    expect(counts).toMatchObject({ payouts: 0, conversions: 0, carriedOver: 3 });
    expect(await ctx.models.Payout.countDocuments({})).toBe(2);
    expect(await ctx.models.PayoutLine.countDocuments({})).toBe(18);
  });

  it('pays carried-over conversions once the total reaches the minimum', async () => {
    await b.addConversions(Array.from({ length: 5 }, (_, i) => ({ at: daysAgo(9) + i * 1000, campaign: eur, affiliateId: affA.id, payoutCents: 700 })));
    const counts = await runPayouts(ctx, { runId: 'run3', nowMs: now });
    expect(counts).toMatchObject({ payouts: 1, conversions: 8, carriedOver: 0 });
    const p = (await ctx.models.Payout.findOne({ affiliateId: affA.id, currency: 'EUR' }).lean())!;
    expect(p).toMatchObject({ amountCents: 5600, conversionCount: 8 });
  });

  it('finishes a payout whose build was interrupted', async () => {
    const affC = newId();
    const convs = await b.addConversions(Array.from({ length: 6 }, (_, i) => ({ at: daysAgo(20) + i * 1000, campaign: usd, affiliateId: affC, payoutCents: 1000 })));
    // A run that claimed two conversions (one mirrored on the conversion) and stopped before writing lines or totals.
    const id = newId();
    await ctx.models.Payout.create({ _id: id, runId: 'crashed', affiliateId: affC, currency: 'USD', status: 'building', cutoff: new Date(daysAgo(7)), buildKey: `building|${affC}|USD` });
    await payoutClaims(ctx.db).insertMany([convs[0]!, convs[1]!].map((c) => ({ _id: c._id, payoutId: id, at: new Date() })));
    await ctx.models.Conversion.updateOne({ _id: convs[0]!._id }, { $set: { payoutId: id } });
    // What the run wrote before creating it and before claiming: the open mark and the payout's holds.
    await markOpen(ctx.db, 'building', id);
    await addHolds(ctx.db, id, [convs[0]!._id, convs[1]!._id]);
    const counts = await runPayouts(ctx, { runId: 'run4', nowMs: now });
    expect(counts).toMatchObject({ resumed: 1, payouts: 1, conversions: 6 });
    expect(await ctx.models.Payout.findById(id).lean()).toMatchObject({ status: 'pending_approval', amountCents: 6000, conversionCount: 6, buildKey: id });
    expect(await linesOf(id)).toHaveLength(6);
  });

  it('never puts a conversion in two payouts when runs race', async () => {
    const affD = newId();
    await b.addConversions(Array.from({ length: 40 }, (_, i) => ({ at: daysAgo(15) + i * 1000, campaign: usd, affiliateId: affD, payoutCents: 500 })));
    await Promise.all([runPayouts(ctx, { runId: 'raceA', nowMs: now }), runPayouts(ctx, { runId: 'raceB', nowMs: now })]);
    const payouts = await ctx.models.Payout.find({ affiliateId: affD }).lean();
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ status: 'pending_approval', amountCents: 20_000, conversionCount: 40 });
    expect(await linesOf(payouts[0]!._id)).toHaveLength(40);

    // Even two builders for the same group (bypassing the one-builder rule) split, never share, conversions.
    const affE = newId();
    await b.addConversions(Array.from({ length: 40 }, (_, i) => ({ at: daysAgo(15) + i * 1000, campaign: usd, affiliateId: affE, payoutCents: 500 })));
    const mk = async (k: string) =>
      (await ctx.models.Payout.create({ _id: newId(), runId: k, affiliateId: affE, currency: 'USD', status: 'building', cutoff: new Date(daysAgo(7)), buildKey: `test|${k}` })).toObject() as PayoutDoc;
    const [p1, p2] = [await mk('x'), await mk('y')];
    const fresh = (await duePayables(ctx, new Date(daysAgo(7)))).filter((p) => p.doc.affiliateId === affE);
    expect(fresh).toHaveLength(40);
    await Promise.all([buildPayout(ctx, p1, 'system', 'x', fresh), buildPayout(ctx, p2, 'system', 'y', fresh)]);
    const lines = await ctx.models.PayoutLine.find({ payoutId: { $in: [p1._id, p2._id] } }).lean();
    const convIds = lines.map((l) => l.conversionId);
    expect(new Set(convIds).size).toBe(convIds.length);
    // Whatever split happened, every conversion is either in exactly one payout or left for a later run.
    const held = await ctx.models.Conversion.find({ affiliateId: affE, payoutId: { $ne: null } }).lean();
    expect(held).toHaveLength(convIds.length);
    const built = await ctx.models.Payout.find({ _id: { $in: [p1._id, p2._id] } }).lean();
    expect(built.reduce((s, p) => s + p.conversionCount, 0)).toBe(convIds.length);
    for (const c of held) expect(convIds.filter((id) => id === c._id)).toHaveLength(1);
  });
});

describe('payout runs that lose their lock', () => {
  it('stop between payouts; the next run builds the rest', async () => {
    const own = await createTestContext({ PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '1000' });
    try {
      const ob = new RawEventsBuilder(own);
      const camp = await ob.campaign();
      const affs = [newId(), newId(), newId()];
      await ob.addConversions(affs.flatMap((a) => Array.from({ length: 3 }, (_, i) => ({ at: daysAgo(10) + i * 1000, campaign: camp, affiliateId: a, payoutCents: 500 }))));
      const lock = new AbortController();
      const create = own.models.Payout.create.bind(own.models.Payout);
      // The lock is lost while the first payout is being built.
      vi.spyOn(own.models.Payout, 'create').mockImplementation(async (...args: any[]) => {
        const made = await (create as any)(...args);
        lock.abort(new Error('lock payouts was lost'));
        return made;
      });
      await expect(runPayouts(own, { runId: 'lost', nowMs: now, signal: lock.signal })).rejects.toThrow('lock payouts was lost');
      vi.restoreAllMocks();
      // The payout in progress was finished; no other was started.
      const first = await own.models.Payout.find({}).lean();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ status: 'pending_approval', amountCents: 1500, conversionCount: 3 });
      expect(await own.models.Conversion.countDocuments({ payoutId: null })).toBe(6);
      const next = await runPayouts(own, { runId: 'next', nowMs: now });
      expect(next).toMatchObject({ payouts: 2, conversions: 6 });
      expect(new Set((await own.models.Payout.find({}).lean()).map((p) => p.affiliateId))).toEqual(new Set(affs));
    } finally {
      vi.restoreAllMocks();
      await destroyTestContext(own);
    }
  });
});

describe('payout review API', () => {
  let aUsd: string;
  let bUsd: string;

  it('lists payouts for admins (filterable) and affiliates (own only), with lines', async () => {
    const all = await admin.client.get('/api/payouts?limit=100');
    expect(all.status).toBe(200);
    expect(all.body.items.every((p: any) => p.status !== 'building')).toBe(true);
    aUsd = all.body.items.find((p: any) => p.affiliateId === affA.id && p.currency === 'USD').id;
    bUsd = all.body.items.find((p: any) => p.affiliateId === affB.id).id;
    expect(all.body.items.find((p: any) => p.id === aUsd)).toMatchObject({ affiliateName: 'Alice', amountCents: 7000, conversionCount: 10, status: 'pending_approval' });
    const own = await affA.client.get('/api/payouts');
    expect(own.body.items.map((p: any) => p.affiliateId)).toEqual([affA.id, affA.id]);
    expect((await affA.client.get(`/api/payouts?affiliateId=${affB.id}`)).status).toBe(403);
    const filtered = await admin.client.get(`/api/payouts?affiliateId=${affB.id}&status=pending_approval`);
    expect(filtered.body.total).toBe(1);
    const one = await affA.client.get(`/api/payouts/${aUsd}?limit=4`);
    expect(one.status).toBe(200);
    expect(one.body.lines).toMatchObject({ total: 10, limit: 4, page: null, pages: null, nextCursor: expect.any(String) });
    expect(one.body.lines.items[0]).toMatchObject({ campaignId: usd._id, campaignName: 'Dollars', amountCents: 700 });
    expect((await affB.client.get(`/api/payouts/${aUsd}`)).status).toBe(404);
    const csv = await admin.client.get(`/api/payouts?format=csv&affiliateId=${affA.id}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte order mark
    const rows = csv.text.trim().split('\n');
    expect(rows[0]).toBe('id,affiliateId,affiliateName,currency,amount,conversionCount,status,cutoff,periodStart,periodEnd,createdAt,paidReference,clickCount,clickAmount');
    expect(rows.some((r) => r.startsWith(`${aUsd},${affA.id},Alice,USD,70.00,10,pending_approval`))).toBe(true);
  });

  it('approves and marks paid with history; refuses transitions the status does not allow', async () => {
    expect((await admin.client.post(`/api/payouts/${aUsd}/mark-paid`, {})).status).toBe(409);
    const ok = await admin.client.post(`/api/payouts/approve/${aUsd}`, { note: 'checked' });
    expect(ok.status).toBe(200);
    expect(ok.body.payout.status).toBe('approved');
    const again = await admin.client.post(`/api/payouts/approve/${aUsd}`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const paid = await admin.client.post(`/api/payouts/${aUsd}/mark-paid`, { reference: 'WIRE-42', note: 'sent' });
    expect(paid.body.payout).toMatchObject({ status: 'paid', paidReference: 'WIRE-42' });
    expect(paid.body.payout.history.map((h: any) => [h.by, h.from, h.to, h.note])).toEqual([
      ['system', null, 'pending_approval', 'payout run run1'],
      [admin.id, 'pending_approval', 'approved', 'checked'],
      [admin.id, 'approved', 'paid', 'sent'],
    ]);
    expect((await admin.client.post(`/api/payouts/${aUsd}/reject`, {})).status).toBe(409);
    expect((await admin.client.post(`/api/payouts/approve/${newId()}`, {})).status).toBe(404);
    expect((await affA.client.post(`/api/payouts/approve/${aUsd}`, {})).status).toBe(403);
    expect((await admin.client.post(`/api/payouts/approve/${bUsd}`, { reference: 'x' })).status).toBe(400);
  });

  it('releases a rejected payout’s conversions, and the next run pays them again', async () => {
    const rej = await admin.client.post(`/api/payouts/${bUsd}/reject`, { note: 'fraud check' });
    expect(rej.body.payout.status).toBe('rejected');
    expect(await ctx.models.Conversion.countDocuments({ payoutId: bUsd })).toBe(0);
    const run = await admin.client.post('/api/payouts/run', {});
    expect(run.status).toBe(200);
    expect(run.body.run).toMatchObject({ status: 'succeeded', counts: { payouts: 1, conversions: 8 } });
    const fresh = (await ctx.models.Payout.findOne({ affiliateId: affB.id, status: 'pending_approval' }).lean())!;
    expect(fresh._id).not.toBe(bUsd);
    expect(fresh).toMatchObject({ amountCents: 8000, conversionCount: 8 });
    // The rejected payout keeps its lines and history as a record.
    const old = await admin.client.get(`/api/payouts/${bUsd}`);
    expect(old.body.payout.history.at(-1)).toMatchObject({ from: 'pending_approval', to: 'rejected', note: 'fraud check' });
    expect(old.body.lines.total).toBe(8);
  });

  it('exports names and references chosen by others as text, never as spreadsheet formulas', async () => {
    const evil = await approvedAffiliate(api.url, admin.client, '=1+1');
    await b.addConversions(Array.from({ length: 8 }, (_, i) => ({ at: daysAgo(9) + i * 1000, campaign: usd, affiliateId: evil.id, payoutCents: 1000 })));
    await runPayouts(ctx, { runId: 'csv', nowMs: now });
    const p = (await ctx.models.Payout.findOne({ affiliateId: evil.id }).lean())!;
    expect((await admin.client.post(`/api/payouts/approve/${p._id}`, {})).status).toBe(200);
    expect((await admin.client.post(`/api/payouts/${p._id}/mark-paid`, { reference: '@SUM(1+1)' })).status).toBe(200);
    const csv = await admin.client.get(`/api/payouts?format=csv&affiliateId=${evil.id}`);
    const [, row] = csv.text.trim().split('\n');
    expect(row).toBe(`${p._id},${evil.id},'=1+1,USD,80.00,8,paid,${p.cutoff.toISOString()},${p.periodStart!.toISOString()},${p.periodEnd!.toISOString()},${p.createdAt.toISOString()},'@SUM(1+1),0,0.00`);
  });

  it('answers 409 when a payout run is already in progress', async () => {
    const lock = await acquireLock(ctx.redis, ctx.keys.jobLock('payouts'), 10_000);
    try {
      const res = await admin.client.post('/api/payouts/run', {});
      expect(res.status).toBe(409);
    } finally {
      await lock!.release();
    }
  });
});
