import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { listConversions } from '../src/conversions/conversion-list';
import type { ApiServer } from '../src/http/server';
import { listRuns } from '../src/job-runs/run-list';
import { listPayoutLines } from '../src/payouts/line-list';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, register, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient, TestResponse } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
let adv: { client: TestClient; id: string };
let aff: { client: TestClient; id: string };
let campaignId: string;

const hex24 = () => crypto.randomBytes(12).toString('hex');
/** Code-unit order, as the database compares strings. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  ctx = await createTestContext();
  api = await startTestApi(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  adv = await approvedAdvertiser(api.url, admin, 'Sorting Advertiser');
  aff = await approvedAffiliate(api.url, admin, 'Sorting Affiliate');
  const created = await adv.client.post('/api/campaigns', cpaCampaign({ name: 'Sorted' }));
  campaignId = created.body.campaign.id;
});
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

/** Every page of a list, in the order the API gave them. */
async function allPages(client: TestClient, path: string, limit: number): Promise<Array<Record<string, any>>> {
  const rows: Array<Record<string, any>> = [];
  let cursor: string | null = null;
  for (let page = 1; ; page++) {
    // Lists read through day buckets page with `cursor` (nextCursor); the others with page numbers.
    const at: string = cursor ? `cursor=${cursor}` : `page=${page}`;
    const res: TestResponse = await client.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}&${at}`);
    expect(res.status, res.text).toBe(200);
    rows.push(...res.body.items);
    if ('nextCursor' in res.body) {
      cursor = res.body.nextCursor;
      if (!cursor) return rows;
    } else if (page >= res.body.pages) return rows;
  }
}

function conversion(convertedAt: Date, status = 'approved', id = hex24()) {
  const clickId = hex24();
  return {
    _id: id,
    clickId,
    linkId: 'l1',
    campaignId,
    affiliateId: aff.id,
    advertiserId: adv.id,
    txnId: `t-${id}`,
    clickKey: clickId,
    status,
    currency: 'USD',
    revenueCents: 1000,
    payoutCents: 700,
    clickedAt: new Date(convertedAt.getTime() - 60_000),
    convertedAt,
    hour: new Date(Math.floor(convertedAt.getTime() / 3_600_000) * 3_600_000),
  };
}

describe('sort and order of server-paged lists', () => {
  it('answers 400 naming `sort` for a field the list cannot be sorted by, and for an unknown order', async () => {
    const payout = await ctx.models.Payout.create({ _id: hex24(), runId: 'r', affiliateId: aff.id, currency: 'USD', status: 'pending_approval', cutoff: new Date(), buildKey: hex24() });
    const refused: Array<[TestClient, string]> = [
      [admin, '/api/admin/users?sort=passwordHash'],
      // Accounts are read through day buckets: createdAt only.
      [admin, '/api/admin/users?sort=name'],
      [admin, '/api/admin/affiliates?sort=postbackSecret'],
      [admin, '/api/campaigns?sort=postbackSecret'],
      [adv.client, '/api/campaigns?sort=revenueCents'],
      // Conversions and postbacks grow with traffic: only their indexed time field.
      [adv.client, '/api/conversions?sort=payoutCents'],
      [admin, '/api/conversions?sort=status'],
      [adv.client, '/api/postbacks?sort=state'],
      [admin, '/api/payouts?sort=status'],
      // Payouts are read through day buckets: createdAt only.
      [admin, '/api/payouts?sort=amountCents'],
      [admin, `/api/payouts/${payout._id}?sort=amountCents`],
      [admin, '/api/admin/job-runs?sort=host'],
      // Job runs are read through day buckets: startedAt only.
      [admin, '/api/admin/job-runs?sort=job'],
      [aff.client, '/api/links?sort=campaignId'],
      [aff.client, '/api/affiliate/deliveries?sort=url'],
    ];
    for (const [client, path] of refused) {
      const res = await client.get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['sort']);
    }
    const badOrder = await adv.client.get('/api/conversions?sort=convertedAt&order=sideways');
    expect(badOrder.status).toBe(400);
    expect(badOrder.body.error.details.map((d: { path: string }) => d.path)).toEqual(['order']);
    // Known fields pass.
    for (const path of ['/api/admin/users?sort=createdAt&order=desc', '/api/payouts?sort=createdAt', '/api/admin/job-runs?sort=startedAt&order=asc', `/api/payouts/${payout._id}?order=desc`]) {
      expect((await admin.get(path)).status, path).toBe(200);
    }
  });

  it('orders conversions by convertedAt across pages, equal instants by id, in both directions', async () => {
    const t0 = Date.UTC(2026, 10, 1, 12);
    const same = new Date(t0 + 5 * 60_000);
    const docs = [0, 3, 1, 7, 2].map((m) => conversion(new Date(t0 + m * 60_000)));
    // Three conversions at the same instant: only the id can order them.
    docs.push(conversion(same, 'pending'), conversion(same, 'approved'), conversion(same, 'rejected'));
    const stored = [...docs, conversion(new Date(t0 + 4 * 60_000), 'processing')];
    // Written directly, so listed the way the seed and the test builder do it (before the rows are stored).
    await listConversions(ctx.db, stored);
    await ctx.models.Conversion.insertMany(stored);

    const expectedAsc = [...docs].sort((a, b) => a.convertedAt.getTime() - b.convertedAt.getTime() || cmp(a._id, b._id)).map((d) => d._id);
    const asc = await allPages(adv.client, `/api/conversions?campaignId=${campaignId}&sort=convertedAt&order=asc`, 3);
    expect(asc.map((c) => c.id)).toEqual(expectedAsc);
    const desc = await allPages(adv.client, '/api/conversions?sort=convertedAt&order=desc', 3);
    expect(desc.map((c) => c.id)).toEqual([...expectedAsc].reverse());
    // Without parameters: newest first, the same order; a `sort` alone is ascending.
    expect((await allPages(aff.client, '/api/conversions', 4)).map((c) => c.id)).toEqual([...expectedAsc].reverse());
    expect((await allPages(admin, '/api/conversions?sort=convertedAt', 2)).map((c) => c.id)).toEqual(expectedAsc);
    // A status filter keeps the order.
    const pending = await allPages(adv.client, '/api/conversions?status=pending&order=asc', 1);
    expect(pending.map((c) => c.id)).toEqual(expectedAsc.filter((id) => docs.find((d) => d._id === id)!.status === 'pending'));
  });

  it('orders users by createdAt and job runs by startedAt across pages, ties by id, with no row on two pages', async () => {
    const names = ['Mallory', 'Alice', 'Oscar', 'Bob', 'Trent'];
    for (const n of names) await register(api.url, 'advertiser', `Sort ${n}`);
    const byAge = await allPages(admin, '/api/admin/users?role=advertiser&sort=createdAt&order=asc', 2);
    const ours = byAge.map((u) => u.name as string).filter((n) => n.startsWith('Sort '));
    expect(ours).toEqual(names.map((n) => `Sort ${n}`));
    const byAgeDesc = await allPages(admin, '/api/admin/users?role=advertiser&sort=createdAt&order=desc', 2);
    expect(byAgeDesc.map((u) => u.id)).toEqual(byAge.map((u) => u.id).reverse());

    const startedAt = new Date(Date.UTC(2026, 10, 2));
    const runs = ['rollup', 'payouts', 'rollup', 'retention', 'payouts', 'rollup'].map((job) => ({ _id: hex24(), job, trigger: 'cli' as const, startedAt, status: 'succeeded' as const }));
    // Written directly, so listed first (job-runs/run-list.ts); runs of one instant are ordered by id.
    await listRuns(ctx.db, runs);
    await ctx.models.JobRun.insertMany(runs);
    const ourRuns = new Set(runs.map((r) => r._id));
    const byStart = (await allPages(admin, '/api/admin/job-runs?sort=startedAt&order=desc', 4)).filter((r) => ourRuns.has(r.id));
    const expected = [...runs].sort((a, b) => cmp(b._id, a._id)).map((r) => r._id);
    expect(byStart.map((r) => r.id)).toEqual(expected);
  });

  it('orders a payout’s lines by convertedAt either way across pages', async () => {
    const payoutId = hex24();
    await ctx.models.Payout.create({ _id: payoutId, runId: 'r', affiliateId: aff.id, currency: 'USD', status: 'approved', cutoff: new Date(), buildKey: payoutId });
    const base = Date.UTC(2026, 10, 3);
    const lines = [4, 1, 3, 1, 0].map((h) => ({ _id: hex24(), payoutId, conversionId: hex24(), campaignId, amountCents: 100, convertedAt: new Date(base + h * 3_600_000) }));
    // Written directly, so listed first the way the payout run lists them.
    await listPayoutLines(ctx.db, lines);
    await ctx.models.PayoutLine.insertMany(lines);
    const asc = [...lines].sort((a, b) => a.convertedAt.getTime() - b.convertedAt.getTime() || cmp(a._id, b._id)).map((l) => l._id);
    const read = async (order: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: TestResponse = await aff.client.get(`/api/payouts/${payoutId}?order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        ids.push(...res.body.lines.items.map((l: { id: string }) => l.id));
        cursor = res.body.lines.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await read('asc')).toEqual(asc);
    expect(await read('desc')).toEqual([...asc].reverse());
  });
});
