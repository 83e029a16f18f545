import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createContext } from '../src/context';
import { EFFECTS_RETRY } from '../src/conversions/effects-retry';
import { changeConversionStatus } from '../src/conversions/status-change';
import { verifyPostbackSignature } from '../src/domain/postback-signature';
import { vetHost } from '../src/outbound/address-guard';
import { enqueueConversionDelivery } from '../src/outbound/delivery-jobs';
import { callSigned } from '../src/outbound/signed-call';
import { register } from './helpers/api';
import { campaignWithLink, insertClick, sendAndResolve, startPostbackEnv, until, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/** A local affiliate server that records requests and answers with a scripted status sequence. */
interface Hit {
  url: string;
  headers: http.IncomingHttpHeaders;
}
function affiliateServer() {
  const hits: Hit[] = [];
  let script: number[] = [];
  let fallback = 200;
  let hang = false;
  const server = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    if (hang) return; // never answers
    const status = script.shift() ?? fallback;
    res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://169.254.169.254/latest/meta-data/' } : {});
    res.end('ok');
  });
  return {
    hits,
    server,
    answer(statuses: number[], then = 200) { script = [...statuses]; fallback = then; hang = false; },
    hangUp() { hang = true; },
    reset() { hits.length = 0; script = []; fallback = 200; hang = false; },
    async listen() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return (server.address() as AddressInfo).port;
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

let e: PostbackEnv;
let c: TestCampaign;
const aff = affiliateServer();
let port: number;
let secret: string;
const template = () =>
  `http://127.0.0.1:${port}/pb?cid={click_id}&conv={conversion_id}&camp={campaign_id}&aff={aff_id}&txn={txn_id}&p={payout}&pc={payout_cents}&cur={currency}&s={status}&s1={sub1}&s2={sub2}&s3={sub3}&keep={unknown}`;

beforeAll(async () => {
  port = await aff.listen();
  e = await startPostbackEnv({ OUTBOUND_ALLOW_PRIVATE: 'true', OUTBOUND_BACKOFF_MS: '20', OUTBOUND_TIMEOUT_MS: '1000' });
  c = await campaignWithLink(e, { name: 'Outbound', approvalMode: 'manual' });
}, 60_000);
afterAll(async () => {
  await e?.close();
  await aff.close();
});
beforeEach(() => aff.reset());

const deliveries = async (conversionId: string) =>
  (await e.ctx.models.Delivery.find({ conversionId }).lean()).sort((a, b) => a.at.getTime() - b.at.getTime() || a.attempt - b.attempt);

async function convert(extra: Record<string, string> = {}) {
  const pb = await sendAndResolve(e, { click_id: await insertClick(e.ctx, c, { sub1: 'fb ads' }), token: c.postbackSecret, ...extra });
  expect(pb.state).toBe('attributed');
  return pb.conversionId as string;
}

describe('affiliate outbound postback settings', () => {
  it('starts empty, validates the template, creates the secret once', async () => {
    const start = await e.aff.client.get('/api/affiliate/postback');
    expect(start.status).toBe(200);
    expect(start.body).toEqual({ url: null, enabled: false, secret: null });
    for (const url of ['ftp://x.example.com/pb', 'not a url', '/relative?x={click_id}', 'javascript:alert(1)', 'https://{sub1}/pb?c={click_id}', 'https://pb.example.com:{payout_cents}/']) {
      const bad = await e.aff.client.put('/api/affiliate/postback', { url, enabled: true });
      expect(bad.status, url).toBe(400);
    }
    expect((await e.aff.client.put('/api/affiliate/postback', { url: null, enabled: true })).status).toBe(400);
    expect((await e.aff.client.put('/api/affiliate/postback', { url: template(), enabled: true, extra: 1 })).status).toBe(400);
    const saved = await e.aff.client.put('/api/affiliate/postback', { url: template(), enabled: true });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ url: template(), enabled: true, secret: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/) });
    secret = saved.body.secret;
    const again = await e.aff.client.put('/api/affiliate/postback', { url: template(), enabled: true });
    expect(again.body.secret).toBe(secret);
    const adv = await e.adv.client.get('/api/affiliate/postback');
    expect(adv.status).toBe(403);
  });
});

describe('outbound delivery', () => {
  it('calls the URL with macros filled and a signature that verifies', async () => {
    const id = await convert({ txn_id: 'order 42' });
    await until('delivery', async () => aff.hits.length === 1);
    const hit = aff.hits[0]!;
    const q = new URL(hit.url, 'http://x').searchParams;
    const conv = await e.ctx.models.Conversion.findById(id).lean();
    expect(Object.fromEntries(q)).toEqual({
      cid: conv!.clickId, conv: id, camp: c.id, aff: e.aff.id, txn: 'order 42', p: '7.00', pc: '700', cur: 'USD', s: 'pending', s1: 'fb ads', s2: 'adset-1', s3: '', keep: '{unknown}',
    });
    const ts = hit.headers['x-offerly-timestamp'] as string;
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(120);
    const fullUrl = `http://127.0.0.1:${port}${hit.url}`;
    expect(verifyPostbackSignature(secret, ts, fullUrl, hit.headers['x-offerly-signature'] as string)).toBe(true);
    expect(verifyPostbackSignature('other-secret', ts, fullUrl, hit.headers['x-offerly-signature'] as string)).toBe(false);
    const log = await until('delivery logged', async () => (await deliveries(id)).length === 1 && deliveries(id));
    expect(log[0]).toMatchObject({ affiliateId: e.aff.id, event: 'conversion.pending', url: fullUrl, attempt: 1, outcome: 'delivered', httpStatus: 200, error: null, test: false });

    // A status change is announced too.
    expect((await e.adv.client.post(`/api/conversions/${id}/approve`)).status).toBe(200);
    await until('second delivery', async () => aff.hits.length === 2);
    expect(new URL(aff.hits[1]!.url, 'http://x').searchParams.get('s')).toBe('approved');
  });

  it('retries a failing URL with backoff until it answers', async () => {
    aff.answer([500, 503], 200);
    const id = await convert();
    const log = await until('three attempts', async () => {
      const d = await deliveries(id);
      return d.length === 3 && d;
    });
    expect(log.map((d) => [d.attempt, d.outcome, d.httpStatus])).toEqual([[1, 'failed', 500], [2, 'failed', 503], [3, 'delivered', 200]]);
  });

  it('gives up after 5 failed attempts, each logged', async () => {
    aff.answer([], 500);
    const id = await convert();
    const log = await until('five attempts', async () => {
      const d = await deliveries(id);
      return d.length === 5 && d;
    });
    expect(log.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(log.every((d) => d.outcome === 'failed' && d.error === 'HTTP 500')).toBe(true);
    const job = await until('job failed', async () => {
      const j = await e.ctx.queues.deliveries.getJob(`conv:${id}:1`);
      // Read again once failed: the copy read before may predate the last attempt's count.
      return j && (await j.getState()) === 'failed' && e.ctx.queues.deliveries.getJob(`conv:${id}:1`);
    });
    expect(job.attemptsMade).toBe(5);
    await new Promise((r) => setTimeout(r, 300));
    expect(await deliveries(id)).toHaveLength(5);
  });

  it('does not follow redirects', async () => {
    aff.answer([302], 200);
    const res = await e.aff.client.post('/api/affiliate/postback/test');
    expect(res.body.delivery).toMatchObject({ outcome: 'failed', httpStatus: 302 });
    expect(res.body.delivery.error).toContain('redirects are not followed');
    expect(aff.hits).toHaveLength(1);
  });

  it('times out a URL that does not answer', async () => {
    aff.hangUp();
    const res = await e.aff.client.post('/api/affiliate/postback/test');
    expect(res.body.delivery).toMatchObject({ outcome: 'failed', httpStatus: null, error: 'no answer within 1000 ms' });
  });

  it('does nothing for affiliates without an enabled URL', async () => {
    await e.aff.client.put('/api/affiliate/postback', { url: template(), enabled: false });
    const id = await convert();
    await until('job done', async () => !(await e.ctx.queues.deliveries.getJob(`conv:${id}:1`)));
    expect(aff.hits).toHaveLength(0);
    expect(await deliveries(id)).toHaveLength(0);
    await e.aff.client.put('/api/affiliate/postback', { url: template(), enabled: true });
  });

  it('announces a status that comes back (approved → rejected → approved), even when its first announcement failed for good', async () => {
    aff.answer([], 200);
    const id = await convert();
    await until('creation announced', async () => aff.hits.length === 1);
    aff.answer([], 500);
    expect((await e.adv.client.post(`/api/conversions/${id}/approve`)).status).toBe(200);
    await until('the approval’s job to fail for good', async () => {
      const j = await e.ctx.queues.deliveries.getJob(`conv:${id}:2`);
      return j && (await j.getState()) === 'failed';
    });
    aff.answer([], 200);
    // One change at a time: each call reports the conversion as it is when sent.
    expect((await e.adv.client.post(`/api/conversions/${id}/reject`)).status).toBe(200);
    await until('the rejection announced', async () => aff.hits.some((h) => new URL(h.url, 'http://x').searchParams.get('s') === 'rejected'));
    expect((await e.adv.client.post(`/api/conversions/${id}/approve`)).status).toBe(200);
    const log = await until('the second approval announced', async () => {
      const d = await deliveries(id);
      return d.filter((x) => x.outcome === 'delivered').length === 3 && d;
    });
    expect(log.map((d) => [d.event, d.outcome])).toEqual([
      ['conversion.pending', 'delivered'],
      ...Array.from({ length: 5 }, () => ['conversion.approved', 'failed']),
      ['conversion.rejected', 'delivered'],
      ['conversion.approved', 'delivered'],
    ]);
    // The same transition enqueued again (a retried job, the effects sweep) is not announced twice.
    await enqueueConversionDelivery(e.ctx, id, 3);
    await until('the duplicate to be skipped', async () => !(await e.ctx.queues.deliveries.getJob(`conv:${id}:3`)));
    expect((await deliveries(id)).length).toBe(log.length);
  });

  it('enqueues the announcement later when Redis refused it at the status change', async () => {
    const id = await convert();
    await until('creation announced', async () => aff.hits.length === 1);
    // Another API instance whose queue connection is gone: the change is stored, its delivery job is not.
    const other = await createContext(e.ctx.config, { name: 'api-without-queue', mongoUrl: inject('mongoUrl'), redisUrl: inject('redisUrl') });
    try {
      other.producer.disconnect();
      expect(await changeConversionStatus(other, id, 'approved', { by: e.adv.id })).toMatchObject({ status: 'approved' });
    } finally {
      await other.close();
    }
    expect(await e.ctx.db.collection(EFFECTS_RETRY).countDocuments({ conversionId: id })).toBe(1);
    await until('the approval announced by the worker', async () => aff.hits.some((h) => new URL(h.url, 'http://x').searchParams.get('s') === 'approved'));
    // The worker logs the attempt after the receiver has answered, so the log may lag the hit a little.
    await until('the approval logged', async () => (await deliveries(id)).length >= 2);
    expect((await deliveries(id)).map((d) => d.event)).toEqual(['conversion.pending', 'conversion.approved']);
    await until('the retry record removed', async () => (await e.ctx.db.collection(EFFECTS_RETRY).countDocuments({ conversionId: id })) === 0);
  });

  it('sends a test call on request and lists every attempt in the delivery log', async () => {
    const res = await e.aff.client.post('/api/affiliate/postback/test');
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ event: 'test', outcome: 'delivered', httpStatus: 200, test: true, attempt: 1, conversionId: null });
    expect(new URL(aff.hits[0]!.url, 'http://x').searchParams.get('cid')).toBe('test-click');
    const log = await e.aff.client.get('/api/affiliate/deliveries?limit=500');
    expect(log.status).toBe(200);
    expect(log.body.items[0]).toMatchObject({ id: res.body.delivery.id, test: true });
    expect(log.body.total).toBeGreaterThan(10);
    expect(log.body.items.every((d: any) => typeof d.durationMs === 'number')).toBe(true);
    const other = await register(e.api.url, 'affiliate');
    await e.admin.client.post(`/api/admin/affiliates/${other.id}/approve`);
    expect((await other.client.get('/api/affiliate/deliveries')).body.total).toBe(0);
    expect((await other.client.post('/api/affiliate/postback/test')).status).toBe(409);
  });
});

describe('SSRF protection (private addresses not allowed)', () => {
  let strict: PostbackEnv;
  let sc: TestCampaign;
  beforeAll(async () => {
    strict = await startPostbackEnv({ OUTBOUND_BACKOFF_MS: '20' });
    sc = await campaignWithLink(strict, { name: 'Strict' });
  }, 60_000);
  afterAll(async () => { await strict?.close(); });

  it.each([
    ['loopback', 'http://127.0.0.1:9/pb'],
    ['private 10/8', 'http://10.1.2.3/pb'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]/pb'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/pb'],
    ['localhost', `http://localhost:${1}/pb`],
  ])('refuses to save a %s URL', async (_label, url) => {
    const res = await strict.aff.client.put('/api/affiliate/postback', { url, enabled: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('url');
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.20.30.40', 'private'],
    ['169.254.169.254', 'link-local'],
    ['localhost', 'loopback'],
  ])('refuses to call %s at send time, logs it once and does not retry', async (host, why) => {
    // As if DNS changed after the URL was saved: the check that counts is the one before each call.
    await strict.ctx.models.User.updateOne({ _id: strict.aff.id }, { $set: { postbackUrl: `http://${host}:${port}/pb?c={click_id}`, postbackEnabled: true, postbackSecret: 's3cret' } });
    const pb = await sendAndResolve(strict, { click_id: await insertClick(strict.ctx, sc), token: sc.postbackSecret });
    const id = pb.conversionId as string;
    const job = await until('job failed', async () => {
      const j = await strict.ctx.queues.deliveries.getJob(`conv:${id}:1`);
      // Read again once failed: the copy read before may predate the last attempt's count.
      return j && (await j.getState()) === 'failed' && strict.ctx.queues.deliveries.getJob(`conv:${id}:1`);
    });
    expect(job.attemptsMade).toBe(1);
    const log = await strict.ctx.models.Delivery.find({ conversionId: id }).lean();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ outcome: 'refused', attempt: 1, httpStatus: null });
    expect(log[0]!.error).toContain(why);
    const test = await strict.aff.client.post('/api/affiliate/postback/test');
    expect(test.body.delivery).toMatchObject({ outcome: 'refused' });
    expect(aff.hits).toHaveLength(0);
  });

  it('vets every address of a host and refuses non-http schemes', async () => {
    expect(await vetHost('localhost', { allowPrivate: false, timeoutMs: 1000 })).toMatchObject({ ok: false, refused: true });
    expect(await vetHost('localhost', { allowPrivate: true, timeoutMs: 1000 })).toMatchObject({ ok: true });
    expect(await vetHost('8.8.8.8', { allowPrivate: false, timeoutMs: 1000 })).toEqual({ ok: true, addresses: [{ address: '8.8.8.8', family: 4 }] });
    expect(await callSigned('file:///etc/passwd', { secret: 's', timeoutMs: 1000, allowPrivate: true })).toMatchObject({ outcome: 'refused' });
    expect(await callSigned('gopher://127.0.0.1:70/', { secret: 's', timeoutMs: 1000, allowPrivate: true })).toMatchObject({ outcome: 'refused' });
  });
});
