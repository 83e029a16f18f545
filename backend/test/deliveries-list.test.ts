import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { listScopes } from '../src/db/list-buckets';
import type { DeliveryDoc } from '../src/db/models/delivery';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { deliverTest } from '../src/outbound/deliver';
import { countStoredDeliveries, DELIVERY_LIST, listDeliveries, listDelivery } from '../src/outbound/delivery-list';
import { approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { allPages } from './helpers/cursor-pages';
import type { TestClient } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;
let receiver: http.Server;
let hookUrl: string;
let admin: TestClient;
let aff1: { client: TestClient; id: string };
let aff2: { client: TestClient; id: string };
const NOW = Date.now();

const deliveryDoc = (affiliateId: string, at: number): DeliveryDoc => ({
  _id: newId(),
  affiliateId,
  conversionId: newId(),
  event: 'conversion.approved',
  url: 'https://example.test/pb',
  attempt: 1,
  outcome: 'delivered',
  httpStatus: 200,
  error: null,
  durationMs: 5,
  test: false,
  at: new Date(at),
});

/** Deliveries written directly (older history): listed first, counted once stored. */
async function storeDeliveries(db: AppContext['db'], docs: DeliveryDoc[]) {
  await listDeliveries(db, docs);
  await db.collection<DeliveryDoc>('postback_deliveries').insertMany(docs);
  await countStoredDeliveries(db, docs);
}

beforeAll(async () => {
  receiver = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pb?cid={click_id}`;
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', OUTBOUND_ALLOW_PRIVATE: 'true' });
  api = await startTestApi(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  aff1 = await approvedAffiliate(api.url, admin, 'Delivered 1');
  aff2 = await approvedAffiliate(api.url, admin, 'Delivered 2');
  // 12 days of history, three affiliates' attempts interleaved, pairs sharing an instant.
  await storeDeliveries(ctx.db, Array.from({ length: 160 }, (_, i) => deliveryDoc(i % 3 === 0 ? aff2.id : aff1.id, NOW - 12 * DAY_MS + Math.floor(i / 2) * 3 * 3_600_000)));
}, 60_000);
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
  await new Promise((r) => receiver?.close(r));
});

describe('deliveries log (day buckets per affiliate, cursors, counters)', () => {
  it('pages through an affiliate’s every attempt once, newest first, while attempts are logged; counters equal the rows', async () => {
    const before = (await ctx.models.Delivery.find({ affiliateId: aff1.id }).lean()).map((d) => d._id);
    let made = 0;
    const { rows, total } = await allPages(aff1.client, '/api/affiliate/deliveries', 11, async (page) => {
      if (page % 2 === 0 && made < 5) {
        made++;
        await deliverTest(ctx, aff1.id, hookUrl, 'secret-secret-secret');
      }
    });
    expect(made).toBe(5);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...before].sort()); // the new ones are newer than the cursor
    for (let i = 1; i < rows.length; i++) expect(new Date(rows[i - 1]!.at).getTime() >= new Date(rows[i]!.at).getTime()).toBe(true);
    expect(total).toBe(before.length);
    const asc = await allPages(aff1.client, '/api/affiliate/deliveries?sort=at&order=asc', 40);
    expect(asc.rows.map((r) => r.id).sort()).toEqual((await ctx.models.Delivery.find({ affiliateId: aff1.id }).lean()).map((d) => d._id).sort());
    expect(asc.total).toBe(before.length + 5);
    const all = await ctx.models.Delivery.find({}).lean();
    for (const [scope, n] of [['all', all.length], [`aff:${aff1.id}`, all.filter((d) => d.affiliateId === aff1.id).length], [`aff:${aff2.id}`, all.filter((d) => d.affiliateId === aff2.id).length]] as const) {
      expect((await listScopes(ctx.db).findOne({ _id: `${DELIVERY_LIST}|${scope}` }))?.n, scope).toBe(n);
    }
  });

  it('shows each affiliate only its own attempts and skips an entry whose attempt was never stored', async () => {
    await listDelivery(ctx.db, { _id: newId(), affiliateId: aff2.id, at: new Date(NOW - DAY_MS) });
    const mine = await allPages(aff2.client, '/api/affiliate/deliveries', 13);
    const stored = await ctx.models.Delivery.find({ affiliateId: aff2.id }).lean();
    expect(mine.rows.map((r) => r.id).sort()).toEqual(stored.map((d) => d._id).sort());
    expect(mine.total).toBe(stored.length);
    const fresh = await approvedAffiliate(api.url, admin, 'Delivered 3');
    expect((await fresh.client.get('/api/affiliate/deliveries')).body).toMatchObject({ items: [], total: 0, nextCursor: null });
    expect((await admin.get('/api/affiliate/deliveries')).status).toBe(403);
    const bad = await aff1.client.get('/api/affiliate/deliveries?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('cursor');
    expect((await aff1.client.get('/api/affiliate/deliveries?page=2')).status).toBe(400);
  });
});

describe('backfill of deliveries stored before the buckets', () => {
  it('lists and counts them once, recorded in migrations', async () => {
    const old = await createTestContext();
    try {
      const oldApi = await startTestApi(old);
      try {
        const { client: oldAdmin } = await createAdmin(old, oldApi.url);
        const aff = await approvedAffiliate(oldApi.url, oldAdmin, 'Old Affiliate');
        const docs = Array.from({ length: 21 }, (_, i) => deliveryDoc(i % 4 ? aff.id : newId(), NOW - i * DAY_MS));
        await old.db.collection<DeliveryDoc>('postback_deliveries').insertMany(docs);
        const { rows, total } = await allPages(aff.client, '/api/affiliate/deliveries', 4);
        expect(rows.map((r) => r.id).sort()).toEqual(docs.filter((d) => d.affiliateId === aff.id).map((d) => d._id).sort());
        expect(total).toBe(docs.filter((d) => d.affiliateId === aff.id).length);
        expect((await listScopes(old.db).findOne({ _id: `${DELIVERY_LIST}|all` }))?.n).toBe(21);
        expect(await old.db.collection<{ _id: string }>('migrations').findOne({ _id: 'list_deliveries' })).not.toBeNull();
      } finally {
        await oldApi.close();
      }
    } finally {
      await destroyTestContext(old);
    }
  });
});
