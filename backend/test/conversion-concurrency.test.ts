import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processPostback } from '../src/conversions/process-postback';
import type { PostbackJobData } from '../src/conversions/postback-job';
import { newId } from '../src/db/ids';
import { recordConversionHour } from '../src/db/conversion-hours';
import { dayKey } from '../src/domain/time-buckets';
import { readLive } from '../src/realtime/live-counters';
import { campaignWithLink, insertClick, postback, resolved, startPostbackEnv, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/**
 * Caps and budgets hold under concurrency: postbacks go through the HTTP
 * intake to a worker processing 50 at a time, or straight into the
 * processing function all at once (no queue in between) for the most contention.
 */
let e: PostbackEnv;

beforeAll(async () => {
  e = await startPostbackEnv({ WORKER_CONVERSION_CONCURRENCY: '50' });
}, 60_000);
afterAll(async () => { await e?.close(); });

const counter = (c: TestCampaign, day: string) => e.ctx.models.CampaignCounter.findById(`${c.id}|${day}`).lean();
const liveToday = async (c: TestCampaign) => (await readLive(e.ctx.redis, e.ctx.keys, 'campaign', c.id)).today;
const job = (params: Record<string, string>): PostbackJobData => ({ id: newId(), receivedAt: new Date().toISOString(), method: 'GET', ip: null, params });

async function fiftyViaHttp(c: TestCampaign) {
  const clicks = await Promise.all(Array.from({ length: 50 }, () => insertClick(e.ctx, c)));
  const ids = await Promise.all(clicks.map((click, i) => postback(e, { click_id: click, txn_id: `t-${i}`, token: c.postbackSecret })));
  return Promise.all(ids.map((id) => resolved(e, id, 60_000)));
}

async function fiftyDirect(c: TestCampaign) {
  const clicks = await Promise.all(Array.from({ length: 50 }, () => insertClick(e.ctx, c)));
  return Promise.all(clicks.map((click, i) => processPostback(e.ctx, job({ click_id: click, txn_id: `d-${i}`, token: c.postbackSecret }))));
}

const tally = (states: Array<{ state: string; reason: string | null }>) => {
  const t: Record<string, number> = {};
  for (const s of states) t[s.reason ?? s.state] = (t[s.reason ?? s.state] ?? 0) + 1;
  return t;
};

describe('caps and budgets under concurrency', () => {
  it('50 concurrent postbacks against a daily cap of 10 approve exactly 10', async () => {
    const c = await campaignWithLink(e, { name: 'Cap 10', caps: { dailyConversions: 10 } });
    const results = await fiftyViaHttp(c);
    expect(tally(results)).toEqual({ attributed: 10, cap_reached: 40 });
    expect(await e.ctx.models.Conversion.countDocuments({ campaignId: c.id, status: 'approved' })).toBe(10);
    expect(await e.ctx.models.Conversion.countDocuments({ campaignId: c.id, status: 'rejected', reason: 'cap_reached' })).toBe(40);
    expect(await counter(c, dayKey(Date.now()))).toMatchObject({ conversions: 10, spendCents: 10_000 });
    expect(await counter(c, 'total')).toMatchObject({ conversions: 10, spendCents: 10_000 });
    expect(await liveToday(c)).toMatchObject({ conversions: 10, money: { USD: { revenueCents: 10_000, payoutCents: 7000 } } });
  }, 90_000);

  it('the same with all 50 processed at once, against a lifetime cap', async () => {
    const c = await campaignWithLink(e, { name: 'Total cap 10', caps: { totalConversions: 10 } });
    const results = await fiftyDirect(c);
    expect(tally(results as any)).toEqual({ attributed: 10, cap_reached: 40 });
    expect(await counter(c, 'total')).toMatchObject({ conversions: 10 });
    // The daily counter gave back the places the lifetime cap refused.
    expect(await counter(c, dayKey(Date.now()))).toMatchObject({ conversions: 10 });
  }, 90_000);

  it('50 concurrent postbacks against a daily budget of ten conversions spend exactly the budget', async () => {
    const c = await campaignWithLink(e, { name: 'Budget', caps: { dailyBudgetCents: 10_000 } });
    const results = await fiftyViaHttp(c);
    expect(tally(results)).toEqual({ attributed: 10, budget_exhausted: 40 });
    expect(await counter(c, dayKey(Date.now()))).toMatchObject({ conversions: 10, spendCents: 10_000 });
  }, 90_000);

  it('the same postback sent 20 times at once makes one conversion, counted once', async () => {
    const c = await campaignWithLink(e, { name: 'Replay', caps: { dailyConversions: 100 } });
    const click = await insertClick(e.ctx, c);
    const ids = await Promise.all(Array.from({ length: 20 }, () => postback(e, { click_id: click, txn_id: 'same', token: c.postbackSecret })));
    const results = await Promise.all(ids.map((id) => resolved(e, id, 60_000)));
    expect(tally(results)).toEqual({ attributed: 1, duplicate: 19 });
    const convs = await e.ctx.models.Conversion.find({ campaignId: c.id }).lean();
    expect(convs).toHaveLength(1);
    expect(new Set(results.map((r) => r.conversionId))).toEqual(new Set([convs[0]!._id]));
    expect(await counter(c, dayKey(Date.now()))).toMatchObject({ conversions: 1, spendCents: 1000 });
    expect(await counter(c, 'total')).toMatchObject({ conversions: 1 });
    expect(await liveToday(c)).toMatchObject({ conversions: 1, money: { USD: { revenueCents: 1000, payoutCents: 700 } } });
  }, 90_000);

  it('one postback job run 20 times at once (retries, stalled jobs) makes one conversion, counted once', async () => {
    const c = await campaignWithLink(e, { name: 'Same job', caps: { dailyConversions: 100 } });
    const data = job({ click_id: await insertClick(e.ctx, c), txn_id: 'job-1', token: c.postbackSecret });
    const results = await Promise.all(Array.from({ length: 20 }, () => processPostback(e.ctx, data)));
    expect(results.every((r) => r.kind === 'resolved' && r.state === 'attributed' && r.conversionId === data.id)).toBe(true);
    expect(await e.ctx.models.Conversion.countDocuments({ campaignId: c.id })).toBe(1);
    const conv = await e.ctx.models.Conversion.findById(data.id).lean();
    expect(conv).toMatchObject({ status: 'approved', capHeld: true });
    expect(conv!.history).toHaveLength(1);
    expect(await counter(c, dayKey(Date.now()))).toMatchObject({ conversions: 1, spendCents: 1000 });
    expect(await counter(c, 'total')).toMatchObject({ conversions: 1 });
    expect(await liveToday(c)).toMatchObject({ conversions: 1 });
    const pb = await e.ctx.models.Postback.findById(data.id).lean();
    expect(pb).toMatchObject({ state: 'attributed', conversionId: data.id });
    // And once more afterwards, as a late retry would: nothing changes.
    expect(await processPostback(e.ctx, data)).toMatchObject({ kind: 'resolved', state: 'attributed' });
    expect(await counter(c, 'total')).toMatchObject({ conversions: 1 });
  }, 90_000);

  it('resumes after a crash between storing the conversion and finalizing it, counting it once', async () => {
    const c = await campaignWithLink(e, { name: 'Crash before finalize', caps: { dailyConversions: 100 } });
    const a = job({ click_id: await insertClick(e.ctx, c), txn_id: 'a', token: c.postbackSecret });
    await processPostback(e.ctx, a);
    const done = (await e.ctx.models.Conversion.findById(a.id).lean())!;
    // What step 6 leaves behind for postback b when the process dies right after it.
    const b = job({ click_id: await insertClick(e.ctx, c), txn_id: 'b', token: c.postbackSecret });
    const { createdAt: _c, updatedAt: _u, ...rest } = done;
    await recordConversionHour(e.ctx.db, done.hour, b.id);
    await e.ctx.models.Conversion.create({
      ...rest, _id: b.id, clickId: b.params.click_id, clickKey: b.params.click_id, txnId: 'b', status: 'processing', reason: null,
      approved: 0, pending: 0, rejected: 0, revApprovedCents: 0, payApprovedCents: 0, capHeld: false, capDay: null, approvedAt: null, history: [],
    });
    expect(await processPostback(e.ctx, b)).toMatchObject({ kind: 'resolved', state: 'attributed', conversionId: b.id });
    expect(await e.ctx.models.Conversion.findById(b.id).lean()).toMatchObject({ status: 'approved', capHeld: true, revApprovedCents: 1000 });
    expect(await counter(c, 'total')).toMatchObject({ conversions: 2, spendCents: 2000 });
    expect(await liveToday(c)).toMatchObject({ conversions: 2 });
  });

  it('redoes nothing twice after a crash between finalizing and recording the outcome', async () => {
    const c = await campaignWithLink(e, { name: 'Crash before resolve', caps: { dailyConversions: 100 } });
    const a = job({ click_id: await insertClick(e.ctx, c), txn_id: 'a', token: c.postbackSecret });
    await processPostback(e.ctx, a);
    await e.ctx.models.Postback.deleteOne({ _id: a.id }); // as if the outcome had never been written
    expect(await processPostback(e.ctx, a)).toMatchObject({ kind: 'resolved', state: 'attributed', conversionId: a.id });
    expect(await e.ctx.models.Postback.findById(a.id).lean()).toMatchObject({ state: 'attributed', campaignId: c.id });
    expect(await counter(c, 'total')).toMatchObject({ conversions: 1 });
    expect(await liveToday(c)).toMatchObject({ conversions: 1 });
    expect((await e.ctx.models.Conversion.findById(a.id).lean())!.history).toHaveLength(1);
  });
});
