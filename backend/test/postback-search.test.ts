import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTBACK_SEARCH, searchPostbackIds } from '../src/conversions/postback-search';
import { approvedAdvertiser } from './helpers/api';
import { campaignWithLink, insertClick, postback, resolved, sendAndResolve, startPostbackEnv, type Party, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/**
 * The postback log's search by the txn id or click id a postback sent, per
 * role: two advertisers with a campaign each, promoted by one affiliate.
 */
let e: PostbackEnv;
let adv2: Party;
let mine: TestCampaign; // e.adv's
let theirs: TestCampaign; // adv2's
const pb: Record<string, { id: string; click: string }> = {};

async function send(name: string, c: TestCampaign, txn: string, status?: string, click?: string) {
  const clickId = click ?? (await insertClick(e.ctx, c));
  const res = await sendAndResolve(e, { click_id: clickId, token: c.postbackSecret, txn_id: txn, ...(status ? { status } : {}) });
  pb[name] = { id: res.id as string, click: clickId };
}

beforeAll(async () => {
  e = await startPostbackEnv({}, ['conversions']);
  adv2 = await approvedAdvertiser(e.api.url, e.admin.client);
  mine = await campaignWithLink(e, { name: 'Mine', approvalMode: 'manual' });
  theirs = await campaignWithLink(e, { name: 'Theirs', approvalMode: 'manual' }, e.aff, adv2);
  await send('a', mine, 'PB-A');
  await send('a2', mine, 'PB-A', 'approved', pb.a!.click); // a status update for the same click and txn
  await send('b', mine, 'PB-B');
  await send('c', theirs, 'PB-A'); // the same txn id on another advertiser's campaign
}, 90_000);
afterAll(async () => { await e?.close(); });

const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((p) => p.id).sort();
const of = (...names: string[]) => names.map((n) => pb[n]!.id).sort();

describe('postback log: search by txn id or click id', () => {
  it('finds every postback that sent a txn id, each role only its own campaigns’', async () => {
    const admin = await e.admin.client.get('/api/postbacks?search=PB-A');
    expect(admin.status).toBe(200);
    expect(ids(admin)).toEqual(of('a', 'a2', 'c'));
    expect(admin.body).toMatchObject({ total: 3, nextCursor: null });
    expect(admin.body.items.map((p: any) => p.campaignName).sort()).toEqual(['Mine', 'Mine', 'Theirs']);
    expect(ids(await e.adv.client.get('/api/postbacks?search=PB-A'))).toEqual(of('a', 'a2'));
    expect(ids(await adv2.client.get('/api/postbacks?search=PB-A'))).toEqual(of('c'));
    // An advertiser naming another's campaign or advertiser still sees only its own.
    expect((await adv2.client.get(`/api/postbacks?search=PB-B&campaignId=${mine.id}`)).body.items).toEqual([]);
    expect((await adv2.client.get(`/api/postbacks?search=PB-B&advertiserId=${e.adv.id}`)).body.items).toEqual([]);
    expect((await e.aff.client.get('/api/postbacks?search=PB-A')).status).toBe(403);
  });

  it('finds by click id, newest first or oldest first, and combines with the other filters', async () => {
    const newest = await e.adv.client.get(`/api/postbacks?search=${pb.a!.click}`);
    expect(newest.body.items.map((p: any) => p.id)).toEqual([pb.a2!.id, pb.a!.id]);
    const oldest = await e.adv.client.get(`/api/postbacks?search=${pb.a!.click}&sort=receivedAt&order=asc`);
    expect(oldest.body.items.map((p: any) => p.id)).toEqual([pb.a!.id, pb.a2!.id]);
    expect(ids(await e.admin.client.get(`/api/postbacks?search=PB-A&campaignId=${theirs.id}`))).toEqual(of('c'));
    expect(ids(await e.admin.client.get(`/api/postbacks?search=PB-A&advertiserId=${e.adv.id}&state=status_updated`))).toEqual(of('a2'));
    expect((await e.admin.client.get('/api/postbacks?search=PB-A&from=2999-01-01')).body.items).toEqual([]);
    expect(ids(await e.admin.client.get('/api/postbacks?search=PB-A&limit=1'))).toHaveLength(1);
  });

  it('answers an unknown id with an empty page, and a bad search with 400', async () => {
    expect((await e.admin.client.get('/api/postbacks?search=no-such-id')).body).toMatchObject({ items: [], total: 0, nextCursor: null });
    expect((await e.admin.client.get('/api/postbacks?search=')).status).toBe(400);
    expect((await e.admin.client.get(`/api/postbacks?search=${'x'.repeat(201)}`)).status).toBe(400);
  });

  it('keeps the keys on write, so a postback is found as soon as it is accepted; the CSV takes the search too', async () => {
    const click = await insertClick(e.ctx, mine);
    const id = await postback(e, { click_id: click, token: mine.postbackSecret, txn_id: 'PB-NEW' });
    await resolved(e, id);
    expect((await e.adv.client.get('/api/postbacks?search=PB-NEW')).body.items.map((p: any) => p.id)).toEqual([id]);
    const key = await e.ctx.db.collection<{ _id: string; ids: string[] }>(POSTBACK_SEARCH).findOne({ _id: `c|${click}` });
    expect(key?.ids).toEqual([id]);
    const csv = await e.admin.client.get('/api/postbacks?format=csv&search=PB-A');
    expect(csv.text.trim().split('\n')).toHaveLength(4);
  });

  it('finds postbacks stored before the search keys existed (one backfill)', async () => {
    await e.ctx.db.collection(POSTBACK_SEARCH).deleteMany({});
    await e.ctx.db.collection('migrations').deleteOne({ _id: 'postback_search_keys' as never });
    // A fresh process would run the backfill: the per-process memo is keyed by the Db, so use another handle on the database.
    const fresh = e.ctx.models.Postback.db.getClient().db(e.ctx.db.databaseName);
    expect(fresh).not.toBe(e.ctx.db);
    expect((await searchPostbackIds(fresh, 'PB-A')).sort()).toEqual(of('a', 'a2', 'c'));
    expect(await searchPostbackIds(fresh, pb.b!.click)).toEqual([pb.b!.id]);
    expect(await e.ctx.db.collection('migrations').findOne({ _id: 'postback_search_keys' as never })).not.toBeNull();
  });
});
