import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { decodeCursor, encodeCursor, entryOf, MAX_DAYS_PER_PAGE } from '../src/db/list-buckets';
import type { PayoutDoc, PayoutLineDoc } from '../src/db/models/payout';
import { clickClaimId } from '../src/domain/payout-plan';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { listPayoutLines } from '../src/payouts/line-list';
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
let affA: { client: TestClient; id: string };
let affB: { client: TestClient; id: string };
let camp: BuiltCampaign;
const now = Date.now();
const daysAgo = (d: number) => now - d * DAY_MS;
const lines = (path: string, client: TestClient, limit: number, between?: (page: number) => Promise<void>) => allPages(client, path, limit, between, (body) => body.lines);

function expectAscending(rows: Array<Record<string, any>>) {
  for (let i = 1; i < rows.length; i++) {
    const [a, c] = [rows[i - 1]!, rows[i]!];
    const ta = new Date(a.convertedAt).getTime();
    const tc = new Date(c.convertedAt).getTime();
    expect(ta < tc || (ta === tc && a.id < c.id)).toBe(true);
  }
}

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '100' });
  api = await startTestApi(ctx);
  b = new RawEventsBuilder(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  affA = await approvedAffiliate(api.url, admin, 'Lines A');
  affB = await approvedAffiliate(api.url, admin, 'Lines B');
  const adv = await approvedAdvertiser(api.url, admin);
  camp = await b.campaign({ name: 'Lined', advertiserId: adv.id });
  // 150 conversions spread over 100 days (more than one request's day budget), pairs sharing a millisecond.
  await b.addConversions(Array.from({ length: 150 }, (_, i) => ({ at: daysAgo(110) + Math.floor(i / 2) * (32 * 3_600_000), campaign: camp, affiliateId: affA.id, payoutCents: 100 + i })));
}, 60_000);
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

describe('a payout’s lines (day buckets per payout, cursors)', () => {
  let payout: PayoutDoc;

  it('pages through every line exactly once in convertedAt order while other payouts are built, with the total from the payout', async () => {
    await runPayouts(ctx, { runId: 'lines1', nowMs: now });
    payout = (await ctx.models.Payout.findOne({ affiliateId: affA.id }).lean()) as PayoutDoc;
    const stored = (await ctx.models.PayoutLine.find({ payoutId: payout._id }).lean()) as PayoutLineDoc[];
    expect(stored).toHaveLength(150);
    // An entry whose line was never stored (a crash between the two writes) is skipped.
    await listPayoutLines(ctx.db, [{ _id: `${payout._id}:${newId()}`, payoutId: payout._id, convertedAt: new Date(daysAgo(50)) }]);

    let added = false;
    const { rows, total, pages } = await lines(`/api/payouts/${payout._id}`, affA.client, 9, async (page) => {
      if (page === 3 && !added) {
        added = true;
        await b.addConversions(Array.from({ length: 20 }, (_, i) => ({ at: daysAgo(60) + i * 1000, campaign: camp, affiliateId: affB.id, payoutCents: 500 })));
        await runPayouts(ctx, { runId: 'lines2', nowMs: now });
      }
    });
    expect(added).toBe(true);
    expect(pages).toBeGreaterThan(150 / 9);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(stored.map((l) => l._id).sort());
    expectAscending(rows);
    expect(total).toBe(stored.length);
    expect(rows[0]).toMatchObject({ kind: 'conversion', campaignId: camp._id, campaignName: 'Lined' });

    const desc = await lines(`/api/payouts/${payout._id}?sort=convertedAt&order=desc`, admin, 40);
    expect(desc.rows.map((r) => r.id)).toEqual([...rows].reverse().map((r) => r.id));
    expect(desc.total).toBe(150);
  });

  it('shows a payout to its affiliate and admins only, and each payout lists only its own lines', async () => {
    const other = (await ctx.models.Payout.findOne({ affiliateId: affB.id }).lean()) as PayoutDoc;
    expect((await affB.client.get(`/api/payouts/${payout._id}`)).status).toBe(404);
    expect((await affA.client.get(`/api/payouts/${other._id}`)).status).toBe(404);
    const mine = await lines(`/api/payouts/${other._id}`, affB.client, 7);
    const stored = await ctx.models.PayoutLine.find({ payoutId: other._id }).lean();
    expect(mine.rows.map((r) => r.id).sort()).toEqual(stored.map((l) => l._id).sort());
    expect(mine.total).toBe(20);
    expect(other.conversionCount + other.clickEarningCount).toBe(stored.length);
  });

  it('reads at most one request’s day budget and still goes on from its cursor', async () => {
    const first = await affA.client.get(`/api/payouts/${payout._id}?limit=500`);
    expect(first.status).toBe(200);
    // 100 days of lines: the first request stops after MAX_DAYS_PER_PAGE days with a cursor.
    expect(first.body.lines.items.length).toBeLessThan(150);
    expect(first.body.lines.items.length).toBeGreaterThan(0);
    expect(new Date(first.body.lines.items.at(-1).convertedAt).getTime()).toBeLessThan(daysAgo(110) + MAX_DAYS_PER_PAGE * DAY_MS);
    expect(first.body.lines.nextCursor).toEqual(expect.any(String));
  });

  it('answers 400 for cursors it did not give out and page numbers past the first; accepts cursors at clicks lines', async () => {
    const bad = await admin.get(`/api/payouts/${payout._id}?cursor=bm9wZQ`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('cursor');
    expect((await admin.get(`/api/payouts/${payout._id}?page=2`)).status).toBe(400);
    const clicksLine = `${newId()}:${clickClaimId(`2026-11-20|${newId()}|${newId()}|USD`)}`;
    const position = entryOf(daysAgo(30), clicksLine);
    expect(decodeCursor(encodeCursor(position))).toBe(position);
    const at = await admin.get(`/api/payouts/${payout._id}?cursor=${encodeCursor(position)}`);
    expect(at.status).toBe(200);
    expect(at.body.lines.items.every((l: any) => new Date(l.convertedAt).getTime() >= daysAgo(30))).toBe(true);
  });
});

describe('backfill of payout lines stored before the buckets', () => {
  it('lists them once, recorded in migrations', async () => {
    const old = await createTestContext();
    try {
      const oldApi = await startTestApi(old);
      try {
        const { client } = await createAdmin(old, oldApi.url);
        const payoutId = newId();
        const docs: PayoutLineDoc[] = Array.from({ length: 23 }, (_, i) => ({
          _id: `${payoutId}:${newId()}`,
          payoutId,
          kind: 'conversion',
          conversionId: newId(),
          clickEarningId: null,
          day: null,
          clicks: null,
          campaignId: newId(),
          amountCents: 100,
          convertedAt: new Date(daysAgo(i)),
        }));
        await old.db.collection<PayoutLineDoc>('payout_lines').insertMany(docs);
        await old.db.collection('payouts').insertOne({
          _id: payoutId as never,
          runId: 'old',
          affiliateId: newId(),
          currency: 'USD',
          status: 'pending_approval',
          amountCents: 2300,
          conversionCount: 23,
          clickEarningCount: 0,
          clickCount: 0,
          clickAmountCents: 0,
          cutoff: new Date(),
          periodStart: null,
          periodEnd: null,
          history: [],
          paidReference: null,
          buildKey: payoutId,
          createdAt: new Date(),
          updatedAt: new Date(),
        });
        const { rows, total } = await allPages(client, `/api/payouts/${payoutId}`, 5, undefined, (body) => body.lines);
        expect(rows.map((r) => r.id).sort()).toEqual(docs.map((d) => d._id).sort());
        expect(total).toBe(23);
        expect(await old.db.collection<{ _id: string }>('migrations').findOne({ _id: 'list_payout_lines' })).not.toBeNull();
      } finally {
        await oldApi.close();
      }
    } finally {
      await destroyTestContext(old);
    }
  });
});
