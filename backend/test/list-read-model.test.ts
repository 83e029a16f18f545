import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { CONVERSION_LIST, countConversionTransition } from '../src/conversions/conversion-list';
import { countStoredPostbacks, listPostbacks, POSTBACK_LIST } from '../src/conversions/postback-list';
import { newId } from '../src/db/ids';
import { listScopes, MAX_FETCHES_PER_PAGE } from '../src/db/list-buckets';
import type { ConversionDoc } from '../src/db/models/conversion';
import type { PostbackDoc } from '../src/db/models/postback';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { approvedAdvertiser, approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { allPages } from './helpers/cursor-pages';
import type { TestClient } from './helpers/http-client';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
let adv1: { client: TestClient; id: string };
let adv2: { client: TestClient; id: string };
let aff1: { client: TestClient; id: string };
let aff2: { client: TestClient; id: string };
let b: RawEventsBuilder;
let c1: BuiltCampaign;
let c2: BuiltCampaign;
let c3: BuiltCampaign;

const NOW = Date.now();
const STATUSES = ['approved', 'pending', 'rejected'] as const;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  api = await startTestApi(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  adv1 = await approvedAdvertiser(api.url, admin, 'List Advertiser 1');
  adv2 = await approvedAdvertiser(api.url, admin, 'List Advertiser 2');
  aff1 = await approvedAffiliate(api.url, admin, 'List Affiliate 1');
  aff2 = await approvedAffiliate(api.url, admin, 'List Affiliate 2');
  b = new RawEventsBuilder(ctx);
  c1 = await b.campaign({ advertiserId: adv1.id, name: 'C1' });
  c2 = await b.campaign({ advertiserId: adv1.id, name: 'C2' });
  c3 = await b.campaign({ advertiserId: adv2.id, name: 'C3' });
  // 150 conversions over 20 days, several sharing a millisecond (ties are ordered by id).
  const specs = Array.from({ length: 150 }, (_, i) => ({
    at: NOW - 20 * DAY_MS + Math.floor(i / 3) * (9 * 3_600_000) + (i % 3 === 2 ? 0 : i % 3),
    campaign: [c1, c2, c3][i % 3]!,
    affiliateId: i % 5 === 0 ? aff2.id : aff1.id,
    status: STATUSES[i % 7 === 0 ? 1 : i % 11 === 0 ? 2 : 0],
  }));
  await b.addConversions(specs);
});
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

function expectOrdered(rows: Array<Record<string, any>>, order: 'asc' | 'desc') {
  const keys = rows.map((r) => [new Date(r.convertedAt ?? r.receivedAt).getTime(), r.id] as const);
  for (let i = 1; i < keys.length; i++) {
    const [a, b2] = [keys[i - 1]!, keys[i]!];
    const cmp = a[0] !== b2[0] ? a[0] - b2[0] : a[1] < b2[1] ? -1 : 1;
    expect(order === 'asc' ? cmp < 0 : cmp > 0).toBe(true);
  }
}

const convs = (pred: (c: ConversionDoc) => boolean) => b.conversions.filter(pred);

describe('conversions list (day buckets, cursors, counters)', () => {
  it('pages through every row exactly once, newest first and oldest first, while conversions are added', async () => {
    const before = new Set(b.conversions.map((c) => c._id));
    let added = 0;
    const { rows } = await allPages(admin, '/api/conversions', 7, async (page) => {
      // New rows land on both sides of the cursor: in the past and now.
      if (page % 3 === 0 && added < 30) {
        await b.addConversions(Array.from({ length: 5 }, (_, i) => ({ at: NOW - (i % 2 ? 19 : 1) * DAY_MS + page * 1000 + i, campaign: c1, affiliateId: aff1.id, status: 'approved' as const })));
        added += 5;
      }
    });
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of before) expect(ids).toContain(id);
    expectOrdered(rows, 'desc');

    const asc = await allPages(admin, '/api/conversions?sort=convertedAt&order=asc', 11);
    expect(asc.rows.map((r) => r.id).sort()).toEqual(b.conversions.map((c) => c._id).sort());
    expectOrdered(asc.rows, 'asc');
    expect(asc.total).toBe(b.conversions.length);
  });

  it('each role sees only its rows, every filter applies, and totals come from the counters', async () => {
    const cases: Array<[TestClient, string, (c: ConversionDoc) => boolean, boolean]> = [
      [admin, '', () => true, true],
      [admin, `?campaignId=${c2._id}`, (c) => c.campaignId === c2._id, true],
      [admin, `?affiliateId=${aff2.id}`, (c) => c.affiliateId === aff2.id, true],
      [admin, `?campaignId=${c1._id}&affiliateId=${aff2.id}`, (c) => c.campaignId === c1._id && c.affiliateId === aff2.id, false],
      [admin, '?status=pending', (c) => c.status === 'pending', true],
      [adv1.client, '', (c) => c.advertiserId === adv1.id, true],
      [adv1.client, `?campaignId=${c1._id}&status=rejected`, (c) => c.campaignId === c1._id && c.status === 'rejected', true],
      [adv1.client, `?campaignId=${c3._id}`, () => false, true],
      [adv1.client, `?affiliateId=${aff2.id}`, (c) => c.advertiserId === adv1.id && c.affiliateId === aff2.id, false],
      [adv2.client, '?status=approved', (c) => c.advertiserId === adv2.id && c.status === 'approved', true],
      [aff1.client, '', (c) => c.affiliateId === aff1.id, true],
      [aff2.client, `?affiliateId=${aff1.id}`, (c) => c.affiliateId === aff2.id, true],
      [aff2.client, `?campaignId=${c3._id}`, (c) => c.affiliateId === aff2.id && c.campaignId === c3._id, false],
    ];
    for (const [client, query, pred, counted] of cases) {
      const { rows, total } = await allPages(client, `/api/conversions${query}`, 13);
      const expected = convs(pred).map((c) => c._id).sort();
      expect(rows.map((r) => r.id).sort(), query).toEqual(expected);
      expect(total, query).toBe(counted ? expected.length : null);
    }
    const aff = await aff1.client.get('/api/conversions?limit=1');
    expect(aff.body.items[0]).not.toHaveProperty('revenueCents');
  });

  it('a date range lists the rows in [from, to) and has no total', async () => {
    const from = new Date(NOW - 15 * DAY_MS);
    const to = new Date(NOW - 5 * DAY_MS);
    const { rows, total } = await allPages(adv1.client, `/api/conversions?from=${from.toISOString()}&to=${to.toISOString()}`, 9);
    const expected = convs((c) => c.advertiserId === adv1.id && c.convertedAt >= from && c.convertedAt < to).map((c) => c._id);
    expect(rows.map((r) => r.id).sort()).toEqual(expected.sort());
    expect(total).toBeNull();
  });

  it('a sparse status filter keeps reading buckets (bounded per request) and still reaches every match once', async () => {
    const cs = await b.campaign({ advertiserId: adv2.id, name: 'Sparse' });
    const docs = await b.addConversions(
      Array.from({ length: MAX_FETCHES_PER_PAGE + 60 }, (_, i) => ({ at: NOW - 3 * DAY_MS + i * 1000, campaign: cs, affiliateId: aff1.id, status: i % 200 === 7 ? ('pending' as const) : ('approved' as const) })),
    );
    const { rows, pages, total } = await allPages(adv2.client, `/api/conversions?campaignId=${cs._id}&status=pending`, 10);
    expect(rows.map((r) => r.id).sort()).toEqual(docs.filter((d) => d.status === 'pending').map((d) => d._id).sort());
    expect(total).toBe(3);
    expect(pages).toBeGreaterThan(1); // the fetch budget cut the first request short
  });

  it('answers 400 for page numbers past the first and for cursors it did not give out', async () => {
    const page2 = await admin.get('/api/conversions?page=2');
    expect(page2.status).toBe(400);
    expect(page2.body.error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'page' })] });
    expect((await admin.get('/api/conversions?page=1&limit=2')).body.items).toHaveLength(2);
    const bad = await admin.get('/api/conversions?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('cursor');
  });

  it('counters equal the rows after concurrent reviews and effects that run again', async () => {
    const cc = await b.campaign({ advertiserId: adv1.id, name: 'Reviewed' });
    const docs = await b.addConversions(Array.from({ length: 12 }, (_, i) => ({ at: NOW - DAY_MS + i, campaign: cc, affiliateId: aff1.id, status: 'pending' as const })));
    // Each conversion reviewed twice at once (advertiser and admin, approve and reject): one change wins each time.
    await Promise.all(
      docs.flatMap((d, i) => [
        adv1.client.post(`/api/conversions/${d._id}/${i % 2 ? 'approve' : 'reject'}`, { note: 'x' }),
        admin.post(`/api/conversions/${d._id}/${i % 3 ? 'approve' : 'reject'}`, { note: 'y' }),
      ]),
    );
    // A transition counted again (a retried call) counts nothing: the key is per conversion and transition.
    const first = (await ctx.models.Conversion.findById(docs[0]!._id).lean()) as ConversionDoc;
    const last = first.history[first.history.length - 1]!;
    await countConversionTransition(ctx, first, last.from as never, last.to as never, first.history.length);
    await countConversionTransition(ctx, first, last.from as never, last.to as never, first.history.length);

    const stored = (await ctx.models.Conversion.find({}).lean()) as ConversionDoc[];
    const expected = (scope: (c: ConversionDoc) => boolean) => Object.fromEntries(STATUSES.map((s) => [s, stored.filter((c) => scope(c) && c.status === s).length]));
    const scopes: Array<[string, (c: ConversionDoc) => boolean]> = [
      ['all', () => true],
      [`adv:${adv1.id}`, (c) => c.advertiserId === adv1.id],
      [`aff:${aff1.id}`, (c) => c.affiliateId === aff1.id],
      [`camp:${cc._id}`, (c) => c.campaignId === cc._id],
    ];
    for (const [scope, pred] of scopes) {
      const doc = await listScopes(ctx.db).findOne({ _id: `${CONVERSION_LIST}|${scope}` });
      expect(Object.fromEntries(STATUSES.map((s) => [s, doc?.[s] ?? 0])), scope).toEqual(expected(pred));
    }
  });
});

describe('postbacks list', () => {
  it('pages through every postback once per role and scope, with totals from the counters', async () => {
    const mk = (i: number, campaign: BuiltCampaign | null): PostbackDoc => ({
      _id: newId(),
      receivedAt: new Date(NOW - 10 * DAY_MS + i * 3_000_000),
      method: 'GET',
      ip: null,
      params: { click_id: `c${i}` },
      test: false,
      state: i % 4 === 0 ? 'rejected' : 'attributed',
      reason: null,
      detail: null,
      campaignId: campaign?._id ?? null,
      advertiserId: campaign?.advertiserId ?? null,
      conversionId: null,
      resolvedAt: new Date(),
    });
    const docs = Array.from({ length: 90 }, (_, i) => mk(i, i % 9 === 0 ? null : [c1, c2, c3][i % 3]!));
    await listPostbacks(ctx.db, docs);
    await ctx.models.Postback.collection.insertMany(docs as never[]);
    await countStoredPostbacks(ctx.db, docs);

    const cases: Array<[TestClient, string, (p: PostbackDoc) => boolean, boolean]> = [
      [admin, '', () => true, true],
      [admin, `?campaignId=${c2._id}`, (p) => p.campaignId === c2._id, true],
      [admin, '?state=rejected', (p) => p.state === 'rejected', false],
      [adv1.client, '', (p) => p.advertiserId === adv1.id, true],
      [adv1.client, `?campaignId=${c3._id}`, () => false, true],
      [adv2.client, '?state=attributed', (p) => p.advertiserId === adv2.id && p.state === 'attributed', false],
    ];
    for (const [client, query, pred, counted] of cases) {
      const { rows, total } = await allPages(client, `/api/postbacks${query}`, 8);
      const expected = docs.filter(pred).map((p) => p._id);
      expect(rows.map((r) => r.id).sort(), query).toEqual(expected.sort());
      expectOrdered(rows, 'desc');
      expect(total, query).toBe(counted ? expected.length : null);
    }
    const scope = await listScopes(ctx.db).findOne({ _id: `${POSTBACK_LIST}|adv:${adv1.id}` });
    expect(scope?.n).toBe(docs.filter((p) => p.advertiserId === adv1.id).length);
  });
});

describe('backfill of rows stored before the buckets', () => {
  it('lists and counts pre-existing conversions and postbacks once, recorded in migrations', async () => {
    const old = await createTestContext();
    try {
      const ob = new RawEventsBuilder(old);
      const camp = await ob.campaign({ name: 'Old' });
      const convDocs = Array.from({ length: 25 }, (_, i) => ob.conversionDoc({ at: NOW - i * DAY_MS, campaign: camp, affiliateId: aff1.id, status: STATUSES[i % 3] }));
      await old.models.Conversion.collection.insertMany(convDocs as never[]);
      const pbDocs = convDocs.map((c) => ({ _id: c._id, receivedAt: c.convertedAt, method: 'GET', ip: null, params: {}, test: false, state: 'attributed', reason: null, detail: null, campaignId: camp._id, advertiserId: camp.advertiserId, conversionId: c._id, resolvedAt: c.convertedAt }));
      await old.models.Postback.collection.insertMany(pbDocs as never[]);
      const oldApi = await startTestApi(old);
      try {
        const { client } = await createAdmin(old, oldApi.url);
        const [conv, pbs] = await Promise.all([allPages(client, '/api/conversions', 6), allPages(client, '/api/postbacks', 6)]);
        expect(conv.rows.map((r) => r.id).sort()).toEqual(convDocs.map((c) => c._id).sort());
        expect(conv.total).toBe(25);
        expect(pbs.rows).toHaveLength(25);
        expect(pbs.total).toBe(25);
        expect((await client.get('/api/conversions?status=rejected')).body.total).toBe(convDocs.filter((c) => c.status === 'rejected').length);
        const recorded = await old.db.collection<{ _id: string }>('migrations').find({ _id: { $in: ['list_conversions', 'list_postbacks'] } }).toArray();
        expect(recorded).toHaveLength(2);
        // A second read does not count them again.
        expect((await client.get('/api/conversions?limit=1')).body.total).toBe(25);
      } finally {
        await oldApi.close();
      }
    } finally {
      await destroyTestContext(old);
    }
  });
});
