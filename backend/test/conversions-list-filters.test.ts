import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERSION_SEARCH, searchConversionIds } from '../src/conversions/conversion-search';
import { approvedAdvertiser, approvedAffiliate } from './helpers/api';
import { campaignWithLink, insertClick, sendAndResolve, startPostbackEnv, type Party, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/**
 * The conversions list's filters, search, CSV and bulk review, per role:
 * two advertisers, two affiliates, a campaign of each advertiser (both
 * affiliates promote the first), manual approval so conversions stay pending.
 */
let e: PostbackEnv;
let adv2: Party;
let aff2: Party;
let mine: TestCampaign; // e.adv's, promoted by e.aff
let mineAff2: TestCampaign; // the same campaign, aff2's link
let theirs: TestCampaign; // adv2's, promoted by e.aff
const conv: Record<string, { id: string; click: string; txn: string }> = {};

async function convert(name: string, c: TestCampaign, txn: string) {
  const click = await insertClick(e.ctx, c);
  const pb = await sendAndResolve(e, { click_id: click, token: c.postbackSecret, txn_id: txn });
  if (!pb.conversionId) throw new Error(`no conversion: ${JSON.stringify(pb)}`);
  conv[name] = { id: pb.conversionId as string, click, txn };
}

beforeAll(async () => {
  e = await startPostbackEnv({}, ['conversions']);
  adv2 = await approvedAdvertiser(e.api.url, e.admin.client);
  aff2 = await approvedAffiliate(e.api.url, e.admin.client);
  mine = await campaignWithLink(e, { name: 'Mine', approvalMode: 'manual' });
  const link2 = await aff2.client.get(`/api/campaigns/${mine.id}/link`);
  mineAff2 = { ...mine, linkId: link2.body.link.id, affiliateId: aff2.id };
  theirs = await campaignWithLink(e, { name: 'Theirs', approvalMode: 'manual' }, e.aff, adv2);
  await convert('a', mine, 'ORDER-A');
  await convert('b', mineAff2, 'ORDER-B');
  await convert('c', theirs, 'ORDER-C');
  // The same txn id in another campaign: a search finds both, each role only its own.
  await convert('d', theirs, 'ORDER-A');
}, 90_000);
afterAll(async () => { await e?.close(); });

const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((c) => c.id).sort();
const of = (...names: string[]) => names.map((n) => conv[n]!.id).sort();

describe('conversions list: filters per role', () => {
  it('admins filter by advertiser, affiliate and campaign, and see affiliate names', async () => {
    const all = await e.admin.client.get('/api/conversions?limit=100');
    expect(all.status).toBe(200);
    expect(ids(all)).toEqual(expect.arrayContaining(of('a', 'b', 'c', 'd')));
    const byAdv = await e.admin.client.get(`/api/conversions?advertiserId=${adv2.id}`);
    expect(ids(byAdv)).toEqual(of('c', 'd'));
    expect(byAdv.body.total).toBe(2);
    const byAff = await e.admin.client.get(`/api/conversions?affiliateId=${aff2.id}`);
    expect(ids(byAff)).toEqual(of('b'));
    expect(byAff.body.items[0].affiliateName).toEqual(expect.any(String));
    const both = await e.admin.client.get(`/api/conversions?advertiserId=${e.adv.id}&affiliateId=${e.aff.id}`);
    expect(ids(both)).toEqual(of('a'));
    const wrongPair = await e.admin.client.get(`/api/conversions?advertiserId=${adv2.id}&campaignId=${mine.id}`);
    expect(wrongPair.body.items).toEqual([]);
  });

  it('advertisers see only their campaigns’ conversions, whatever advertiser or campaign they name', async () => {
    const own = await e.adv.client.get('/api/conversions');
    expect(ids(own)).toEqual(of('a', 'b'));
    expect(own.body.items[0]).not.toHaveProperty('affiliateName');
    expect(own.body.items[0].revenueCents).toEqual(expect.any(Number));
    expect(ids(await e.adv.client.get(`/api/conversions?advertiserId=${adv2.id}`))).toEqual(of('a', 'b')); // their own id wins
    expect((await e.adv.client.get(`/api/conversions?campaignId=${theirs.id}`)).body.items).toEqual([]);
    expect(ids(await e.adv.client.get(`/api/conversions?affiliateId=${aff2.id}`))).toEqual(of('b'));
  });

  it('affiliates see only their own, never revenue, whatever affiliate or advertiser they name', async () => {
    const own = await e.aff.client.get('/api/conversions');
    expect(ids(own)).toEqual(of('a', 'c', 'd'));
    for (const c of own.body.items) expect(c).not.toHaveProperty('revenueCents');
    expect(ids(await e.aff.client.get(`/api/conversions?affiliateId=${aff2.id}`))).toEqual(of('a', 'c', 'd'));
    expect(ids(await aff2.client.get(`/api/conversions?advertiserId=${adv2.id}`))).toEqual(of('b')); // advertiserId is an admin filter
  });

  it('dates bound the list', async () => {
    const future = await e.admin.client.get('/api/conversions?from=2999-01-01');
    expect(future.body.items).toEqual([]);
    const past = await e.admin.client.get(`/api/conversions?advertiserId=${adv2.id}&from=2000-01-01&to=2999-01-01`);
    expect(ids(past)).toEqual(of('c', 'd'));
    expect(past.body.total).toBeNull();
  });
});

describe('conversions list: search by txn id or click id', () => {
  it('finds by txn id across campaigns, by click id, each role only what it may see', async () => {
    expect(ids(await e.admin.client.get('/api/conversions?search=ORDER-A'))).toEqual(of('a', 'd'));
    expect(ids(await e.adv.client.get('/api/conversions?search=ORDER-A'))).toEqual(of('a'));
    expect(ids(await adv2.client.get('/api/conversions?search=ORDER-A'))).toEqual(of('d'));
    expect(ids(await e.aff.client.get('/api/conversions?search=ORDER-A'))).toEqual(of('a', 'd'));
    expect((await aff2.client.get('/api/conversions?search=ORDER-A')).body.items).toEqual([]);
    expect(ids(await e.admin.client.get(`/api/conversions?search=${conv.b!.click}`))).toEqual(of('b'));
    expect(ids(await e.admin.client.get(`/api/conversions?search=ORDER-A&campaignId=${theirs.id}`))).toEqual(of('d'));
    expect((await e.admin.client.get('/api/conversions?search=ORDER-A&status=approved')).body.items).toEqual([]);
    expect((await e.admin.client.get('/api/conversions?search=nothing-like-it')).body).toMatchObject({ items: [], nextCursor: null });
  });

  it('stays correct while conversions are added, and reads the search keys by _id', async () => {
    await convert('e', mine, 'ORDER-E');
    expect(ids(await e.adv.client.get('/api/conversions?search=ORDER-E'))).toEqual(of('e'));
    const key = await e.ctx.db.collection<{ _id: string; ids: string[] }>(CONVERSION_SEARCH).findOne({ _id: 't|ORDER-A' });
    expect(key?.ids.sort()).toEqual(of('a', 'd'));
    const list = await e.adv.client.get(`/api/conversions?campaignId=${mine.id}&status=pending`);
    expect(ids(list)).toEqual(of('a', 'b', 'e'));
  });

  it('finds conversions stored before the search keys existed (one backfill)', async () => {
    await e.ctx.db.collection(CONVERSION_SEARCH).deleteMany({});
    await e.ctx.db.collection('migrations').deleteOne({ _id: 'conversion_search_keys' as never });
    // A fresh process would run the backfill: the per-process memo is keyed by the Db, so use another handle on the database.
    const fresh = e.ctx.models.Conversion.db.getClient().db(e.ctx.db.databaseName);
    expect(fresh).not.toBe(e.ctx.db);
    expect(await searchConversionIds(fresh, 'ORDER-B')).toEqual([conv.b!.id]);
    expect((await searchConversionIds(fresh, conv.a!.click)).sort()).toEqual([conv.a!.id]);
  });

  it('refuses an empty or overlong search with 400', async () => {
    expect((await e.admin.client.get('/api/conversions?search=')).status).toBe(400);
    expect((await e.admin.client.get(`/api/conversions?search=${'x'.repeat(201)}`)).status).toBe(400);
  });
});

describe('conversions list: CSV', () => {
  it('answers the filtered list as CSV with the columns the role may see', async () => {
    const admin = await e.admin.client.get(`/api/conversions?format=csv&advertiserId=${adv2.id}`);
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toContain('text/csv');
    const lines = admin.text.trim().split('\n');
    expect(lines[0]).toContain('affiliateName');
    expect(lines[0]).toContain('revenue');
    expect(lines).toHaveLength(3);
    expect(admin.text).toContain('ORDER-C');
    const aff = await e.aff.client.get('/api/conversions?format=csv');
    expect(aff.text.split('\n')[0]).not.toContain('revenue');
    expect(aff.text).not.toContain('affiliateName');
  });
});

describe('conversions: bulk review', () => {
  it('approves many with one note, answering each id’s outcome; advertisers reach only their own', async () => {
    const res = await e.adv.client.post('/api/conversions/bulk-review', { ids: [conv.a!.id, conv.c!.id, conv.b!.id], action: 'approve', note: 'batch ok' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ done: 2, refused: 1 });
    expect(res.body.results).toEqual([
      { id: conv.a!.id, done: true, error: null },
      { id: conv.c!.id, done: false, error: expect.objectContaining({ code: 'not_found' }) },
      { id: conv.b!.id, done: true, error: null },
    ]);
    const a = await e.ctx.models.Conversion.findById(conv.a!.id).lean();
    expect(a).toMatchObject({ status: 'approved' });
    expect(a!.history.at(-1)).toMatchObject({ by: e.adv.id, to: 'approved', note: 'batch ok' });
    const again = await e.adv.client.post('/api/conversions/bulk-review', { ids: [conv.a!.id], action: 'approve' });
    expect(again.body.results[0]).toMatchObject({ done: false, error: { code: 'conflict' } });
  });

  it('lets admins reject with a note, and refuses affiliates and bad bodies', async () => {
    const res = await e.admin.client.post('/api/conversions/bulk-review', { ids: [conv.c!.id, conv.d!.id], action: 'reject', note: 'fraud ring' });
    expect(res.body).toMatchObject({ done: 2, refused: 0 });
    expect(await e.ctx.models.Conversion.findById(conv.d!.id).lean()).toMatchObject({ status: 'rejected', reason: 'admin_rejected' });
    expect((await e.aff.client.post('/api/conversions/bulk-review', { ids: [conv.a!.id], action: 'approve' })).status).toBe(403);
    expect((await e.admin.client.post('/api/conversions/bulk-review', { ids: [], action: 'approve' })).status).toBe(400);
    expect((await e.admin.client.post('/api/conversions/bulk-review', { ids: Array(101).fill(conv.a!.id), action: 'approve' })).status).toBe(400);
    expect((await e.admin.client.post('/api/conversions/bulk-review', { ids: [conv.a!.id], action: 'pay' })).status).toBe(400);
  });
});

describe('postback log: campaign, filters, CSV', () => {
  it('names each postback’s campaign and filters by advertiser (admins), campaign, state and dates', async () => {
    const all = await e.admin.client.get(`/api/postbacks?advertiserId=${adv2.id}`);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    for (const p of all.body.items) expect(p).toMatchObject({ campaignId: theirs.id, campaignName: 'Theirs' });
    const mineOnly = await e.adv.client.get('/api/postbacks');
    expect(new Set(mineOnly.body.items.map((p: any) => p.campaignName))).toEqual(new Set(['Mine']));
    expect((await e.adv.client.get(`/api/postbacks?advertiserId=${adv2.id}`)).body.items.every((p: any) => p.campaignId === mine.id)).toBe(true);
    expect((await e.admin.client.get(`/api/postbacks?campaignId=${mine.id}&advertiserId=${adv2.id}`)).body.items).toEqual([]);
    expect((await e.admin.client.get('/api/postbacks?from=2999-01-01')).body).toMatchObject({ items: [], total: null });
    const dated = await e.admin.client.get(`/api/postbacks?campaignId=${theirs.id}&state=attributed&from=2000-01-01`);
    expect(dated.body.items).toHaveLength(2);
  });

  it('answers the filtered log as CSV', async () => {
    const csv = await e.adv.client.get(`/api/postbacks?format=csv&campaignId=${mine.id}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toContain('campaignName');
    expect(lines).toHaveLength(4); // header + ORDER-A, ORDER-B, ORDER-E
    expect(csv.text).toContain('ORDER-E');
    expect(csv.text).not.toContain('ORDER-C');
  });
});
