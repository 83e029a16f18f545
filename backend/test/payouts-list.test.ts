import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { listScopes } from '../src/db/list-buckets';
import type { PayoutDoc } from '../src/db/models/payout';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { LISTED_PAYOUT_STATUSES, PAYOUT_LIST } from '../src/payouts/payout-list';
import { runPayouts } from '../src/payouts/run';
import { approvedAdvertiser, approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { allPages } from './helpers/cursor-pages';
import type { TestClient } from './helpers/http-client';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let api: ApiServer;
let b: RawEventsBuilder;
let admin: TestClient;
let affs: Array<{ client: TestClient; id: string }>;
let usd: BuiltCampaign;
let eur: BuiltCampaign;
const now = Date.now();
let runs = 0;

/** One payout run paying a fresh approved conversion of each affiliate in both currencies. */
async function payRound(): Promise<void> {
  runs++;
  await b.addConversions(affs.flatMap((a, i) => [usd, eur].map((c, j) => ({ at: now - 10 * DAY_MS + runs * 60_000 + i * 10 + j, campaign: c, affiliateId: a.id, payoutCents: 500 }))));
  await runPayouts(ctx, { runId: `list-${runs}`, nowMs: now });
}

const visible = async () => (await ctx.models.Payout.find({ status: { $ne: 'building' } }).lean()) as PayoutDoc[];

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '100' });
  api = await startTestApi(ctx);
  b = new RawEventsBuilder(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  affs = [];
  for (let i = 0; i < 4; i++) affs.push(await approvedAffiliate(api.url, admin, `Payee ${i}`));
  const adv = await approvedAdvertiser(api.url, admin);
  usd = await b.campaign({ name: 'Dollars', advertiserId: adv.id });
  eur = await b.campaign({ name: 'Euros', advertiserId: adv.id, currency: 'EUR' });
  for (let r = 0; r < 4; r++) await payRound();
}, 120_000);
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

describe('payouts list (day buckets per affiliate, cursors, status counters)', () => {
  it('pages through every payout once, newest first, while runs add payouts; each role sees only its rows', async () => {
    const before = await visible();
    expect(before).toHaveLength(32);
    const { rows, total } = await allPages(admin, '/api/payouts', 5, async (page) => {
      if (page === 2) await payRound();
    });
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(before.map((p) => p._id).sort());
    expect(total).toBe(32);
    for (let i = 1; i < rows.length; i++) expect(new Date(rows[i - 1]!.createdAt).getTime() >= new Date(rows[i]!.createdAt).getTime()).toBe(true);
    const now40 = await visible();
    for (const a of affs) {
      const own = await allPages(a.client, '/api/payouts', 3);
      const expected = now40.filter((p) => p.affiliateId === a.id).map((p) => p._id);
      expect(own.rows.map((r) => r.id).sort()).toEqual(expected.sort());
      expect(own.total).toBe(expected.length);
    }
    expect((await affs[0]!.client.get(`/api/payouts?affiliateId=${affs[1]!.id}`)).status).toBe(403);
  });

  it('status filters and totals follow concurrent reviews; counters equal the rows', async () => {
    const all = await visible();
    // Each payout reviewed twice at once: one change wins, the other is a 409.
    await Promise.all(all.slice(0, 16).flatMap((p, i) => [admin.post(`/api/payouts/approve/${p._id}`, {}), admin.post(`/api/payouts/${p._id}/reject`, { note: i % 2 ? 'x' : 'y' })]));
    for (const p of all.slice(0, 4)) await admin.post(`/api/payouts/${p._id}/mark-paid`, { reference: 'R' });
    await runPayouts(ctx, { runId: 'after-reviews', nowMs: now }); // pays rejected payouts' conversions again
    const stored = await visible();
    for (const status of LISTED_PAYOUT_STATUSES) {
      const { rows, total } = await allPages(admin, `/api/payouts?status=${status}`, 7);
      const expected = stored.filter((p) => p.status === status).map((p) => p._id);
      expect(rows.map((r) => r.id).sort(), status).toEqual(expected.sort());
      expect(total, status).toBe(expected.length);
    }
    const a = affs[2]!;
    const ownRejected = await allPages(admin, `/api/payouts?affiliateId=${a.id}&status=rejected`, 2);
    expect(ownRejected.total).toBe(stored.filter((p) => p.affiliateId === a.id && p.status === 'rejected').length);
    for (const scope of ['all', ...affs.map((x) => `aff:${x.id}`)]) {
      const doc = await listScopes(ctx.db).findOne({ _id: `${PAYOUT_LIST}|${scope}` });
      const rows = stored.filter((p) => scope === 'all' || `aff:${p.affiliateId}` === scope);
      expect(Object.fromEntries(LISTED_PAYOUT_STATUSES.map((s) => [s, doc?.[s] ?? 0])), scope).toEqual(Object.fromEntries(LISTED_PAYOUT_STATUSES.map((s) => [s, rows.filter((p) => p.status === s).length])));
    }
    // The CSV goes through the same buckets.
    const csv = await admin.get(`/api/payouts?format=csv&status=paid`);
    expect(csv.text.trim().split('\n')).toHaveLength(1 + stored.filter((p) => p.status === 'paid').length);
  });

  it('answers 400 for a bad cursor, a page past the first and another sort', async () => {
    const bad = await admin.get('/api/payouts?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('cursor');
    expect((await admin.get('/api/payouts?page=2')).status).toBe(400);
    expect((await admin.get('/api/payouts?sort=amountCents')).status).toBe(400);
  });
});

describe('backfill of payouts stored before the buckets', () => {
  it('lists and counts them once, recorded in migrations', async () => {
    const old = await createTestContext();
    try {
      const affiliateId = newId();
      const statuses = ['pending_approval', 'approved', 'paid', 'rejected', 'building'] as const;
      const docs = Array.from({ length: 15 }, (_, i) => {
        const id = newId();
        return { _id: id, runId: 'old', affiliateId: i % 3 ? affiliateId : newId(), currency: i % 2 ? 'EUR' : 'USD', status: statuses[i % 5]!, amountCents: 100, conversionCount: 1, clickEarningCount: 0, clickCount: 0, clickAmountCents: 0, cutoff: new Date(), periodStart: null, periodEnd: null, history: [], paidReference: null, buildKey: id, createdAt: new Date(now - i * DAY_MS), updatedAt: new Date() };
      });
      await old.db.collection<PayoutDoc>('payouts').insertMany(docs);
      const oldApi = await startTestApi(old);
      try {
        const { client } = await createAdmin(old, oldApi.url);
        const { rows, total } = await allPages(client, '/api/payouts', 4);
        expect(rows.map((r) => r.id).sort()).toEqual(docs.filter((d) => d.status !== 'building').map((d) => d._id).sort());
        expect(total).toBe(12);
        expect((await client.get(`/api/payouts?affiliateId=${affiliateId}&status=paid`)).body.total).toBe(docs.filter((d) => d.affiliateId === affiliateId && d.status === 'paid').length);
        // Their currency and status scopes too.
        const eurPaid = await allPages(client, '/api/payouts?currency=EUR&status=paid', 2);
        expect(eurPaid.rows.map((r) => r.id).sort()).toEqual(docs.filter((d) => d.currency === 'EUR' && d.status === 'paid').map((d) => d._id).sort());
        expect(eurPaid.total).toBe(eurPaid.rows.length);
        expect(await old.db.collection<{ _id: string }>('migrations').findOne({ _id: 'list_payouts_by_currency_status' })).not.toBeNull();
      } finally {
        await oldApi.close();
      }
    } finally {
      await destroyTestContext(old);
    }
  });
});
