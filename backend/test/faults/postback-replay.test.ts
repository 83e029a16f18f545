import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/domain/time-buckets';
import { runPayouts } from '../../src/payouts/run';
import { readLive } from '../../src/realtime/live-counters';
import { campaignWithLink, insertClick, postback, resolved, startPostbackEnv, type PostbackEnv, type TestCampaign } from '../helpers/postbacks';
import { assertReconciled } from './helpers';

/**
 * One advertiser's postback replayed many times, all at once and in several
 * shapes (GET, POST form, POST JSON; with and without txn_id): one
 * conversion per click, one payout line per conversion, paid once, and the
 * replays after the payout change nothing. Complements
 * conversion-concurrency.test.ts (20 identical GETs, one job run 20 times).
 */
let e: PostbackEnv;
let c: TestCampaign;

beforeAll(async () => {
  e = await startPostbackEnv({ WORKER_CONVERSION_CONCURRENCY: '50', PAYOUT_HOLD_DAYS: '0', PAYOUT_MIN_CENTS: '0' });
  c = await campaignWithLink(e, { name: 'Replayed', caps: { dailyConversions: 1000 } });
}, 60_000);
afterAll(async () => { await e?.close(); });

type Shape = 'get' | 'form' | 'json';

async function send(shape: Shape, params: Record<string, string>): Promise<string> {
  if (shape === 'get') return postback(e, params);
  const res =
    shape === 'form'
      ? await e.server.post('/api/track/postback', new URLSearchParams(params).toString(), { 'content-type': 'application/x-www-form-urlencoded' })
      : await e.server.post('/api/track/postback', params);
  if (res.status !== 200) throw new Error(`postback: ${res.status} ${res.text}`);
  return res.body.id as string;
}

const tally = (rs: Array<{ state: string; reason: string | null }>) => {
  const t: Record<string, number> = {};
  for (const r of rs) t[r.reason ?? r.state] = (t[r.reason ?? r.state] ?? 0) + 1;
  return t;
};

describe('the same postback replayed many times and concurrently', () => {
  it('makes one conversion per click, paid once, and reconciles', async () => {
    const startedAt = Date.now() - HOUR_MS; // the clicks are an hour old
    const clicks = await Promise.all([insertClick(e.ctx, c), insertClick(e.ctx, c), insertClick(e.ctx, c)]);
    const [withTxn, withoutTxn, mixed] = clicks as [string, string, string];
    const token = c.postbackSecret;
    const shapes: Shape[] = ['get', 'form', 'json'];
    const burst: Array<[Shape, Record<string, string>]> = [];
    for (let i = 0; i < 50; i++) {
      burst.push([shapes[i % 3]!, { click_id: withTxn, txn_id: 'order-1', amount: '10.00', token }]);
      burst.push([shapes[i % 3]!, { click_id: withoutTxn, token }]);
      // The same sale reported with its transaction id by one system and without by another.
      burst.push([shapes[i % 3]!, i % 2 ? { click_id: mixed, txn_id: 'order-3', token } : { click_id: mixed, token }]);
    }
    const ids = await Promise.all(burst.map(([shape, params]) => send(shape, params)));
    const results = await Promise.all(ids.map((id) => resolved(e, id, 60_000)));
    for (const click of clicks) {
      const mine = results.filter((_, i) => burst[i]![1].click_id === click);
      expect(tally(mine), click).toEqual({ attributed: 1, duplicate: 49 });
    }
    const convs = await e.ctx.models.Conversion.find({ campaignId: c.id }).lean();
    expect(convs.map((cv) => cv.clickId).sort()).toEqual([...clicks].sort());
    expect(convs.every((cv) => cv.status === 'approved' && cv.payoutCents === 700)).toBe(true);
    const total = await e.ctx.models.CampaignCounter.findById(`${c.id}|total`).lean();
    expect(total).toMatchObject({ conversions: 3, spendCents: 3000 });
    expect((await readLive(e.ctx.redis, e.ctx.keys, 'campaign', c.id)).today).toMatchObject({ conversions: 3, money: { USD: { revenueCents: 3000, payoutCents: 2100 } } });

    // Paid once: one payout line per conversion, and a second run finds nothing left to pay.
    const now = Date.now() + 60_000;
    const first = await runPayouts(e.ctx, { runId: 'replay-1', nowMs: now });
    expect(first).toMatchObject({ payouts: 1, conversions: 3 });
    const lines = await e.ctx.models.PayoutLine.find({ conversionId: { $in: convs.map((cv) => cv._id) } }).lean();
    expect(lines.map((l) => l.conversionId).sort()).toEqual(convs.map((cv) => cv._id).sort());
    const payout = (await e.ctx.models.Payout.findById(lines[0]!.payoutId).lean())!;
    expect(payout).toMatchObject({ amountCents: 2100, conversionCount: 3, affiliateId: c.affiliateId });
    expect(await runPayouts(e.ctx, { runId: 'replay-2', nowMs: now })).toMatchObject({ payouts: 0, conversions: 0 });

    // Replayed again after the payout, concurrently: nothing changes.
    const late = await Promise.all(burst.slice(0, 30).map(([shape, params]) => send(shape, params)));
    const lateResults = await Promise.all(late.map((id) => resolved(e, id, 60_000)));
    expect(tally(lateResults)).toEqual({ duplicate: 30 });
    expect(await e.ctx.models.Conversion.countDocuments({ campaignId: c.id })).toBe(3);
    expect(await e.ctx.models.PayoutLine.countDocuments({ payoutId: payout._id })).toBe(3);
    expect(await e.ctx.models.CampaignCounter.findById(`${c.id}|total`).lean()).toMatchObject({ conversions: 3, spendCents: 3000 });

    const report = await assertReconciled(e.ctx, startedAt, { clicks: 3 });
    expect(report.checked.payouts).toBe(1);
  }, 120_000);
});
