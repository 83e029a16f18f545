import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { POSTBACK_SPOOL } from '../src/conversions/postback-job';
import { createContext, type AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { startWorkers } from '../src/workers';
import { startTestApi } from './helpers/api';
import { campaignWithLink, insertClick, resolved, startPostbackEnv, until, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/**
 * The intake is tested with no worker running, so what it enqueued stays in
 * the queue and can be counted; a worker is started where processing matters.
 */
let e: PostbackEnv;
let c: TestCampaign;

beforeAll(async () => {
  // The fuzz below sends hundreds of refused postbacks from one address; the per-address budget is tested in postback-throttle.test.ts.
  e = await startPostbackEnv({ POSTBACK_REPLAY_AFTER_SECONDS: '0', POSTBACK_ENQUEUE_TIMEOUT_MS: '300', POSTBACK_MAX_PER_IP: '1000000' }, []);
  c = await campaignWithLink(e);
}, 60_000);
afterAll(async () => { await e?.close(); });

const queued = async () => {
  const counts = await e.ctx.queues.conversions.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
  return Object.values(counts).reduce((a, b) => a + b, 0);
};
const stored = () => e.ctx.models.Postback.countDocuments({});

describe('postback intake', () => {
  it('accepts GET query strings, POST forms and POST JSON, answering at once with an id', async () => {
    const before = await queued();
    const click = await insertClick(e.ctx, c);
    const get = await e.server.get(`/api/track/postback?click_id=${click}&txn_id=g-1&amount=19.99&currency=usd&status=Approved&token=${c.postbackSecret}&extra=ignored`);
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ accepted: true, id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(get.headers.get('cache-control')).toBe('no-store');

    const form = await e.server.post('/api/track/postback', `click_id=${click}&txn_id=f-1&token=${encodeURIComponent(c.postbackSecret)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(200);
    const json = await e.server.post('/api/track/postback?txn_id=from-query', { click_id: click, txn_id: 'from-body', amount: 12.5, token: c.postbackSecret });
    expect(json.status).toBe(200);
    expect(await queued()).toBe(before + 3);

    const job = await e.ctx.queues.conversions.getJob(json.body.id);
    expect(job?.data).toMatchObject({ id: json.body.id, method: 'POST', params: { click_id: click, txn_id: 'from-body', amount: '12.5', token: c.postbackSecret } });
    const first = await e.ctx.queues.conversions.getJob(get.body.id);
    expect(first?.data.params).toEqual({ click_id: click, txn_id: 'g-1', amount: '19.99', currency: 'USD', status: 'approved', token: c.postbackSecret });
  });

  it('treats empty optional parameters as not sent (unfilled macros)', async () => {
    const res = await e.server.get(`/api/track/postback?click_id=x1&txn_id=&amount=&currency=&status=&token=${c.postbackSecret}`);
    expect(res.status).toBe(200);
    const job = await e.ctx.queues.conversions.getJob(res.body.id);
    expect(job?.data.params).toEqual({ click_id: 'x1', token: c.postbackSecret });
  });

  it.each([
    ['no parameters', ''],
    ['no click_id', 'txn_id=1&token=t'],
    ['an empty click_id', 'click_id=&token=t'],
    ['a click_id over 64 characters', `click_id=${'a'.repeat(65)}`],
    ['a control character', 'click_id=a%00b'],
    ['a txn_id over 128 characters', `click_id=a&txn_id=${'t'.repeat(129)}`],
    ['an amount with a comma', 'click_id=a&amount=1,50'],
    ['a negative amount', 'click_id=a&amount=-5'],
    ['a bad currency', 'click_id=a&currency=US'],
    ['an unknown status', 'click_id=a&status=maybe'],
    ['a repeated click_id', 'click_id=a&click_id=b'],
    ['a token over 128 characters', `click_id=a&token=${'k'.repeat(129)}`],
  ])('answers 400 and stores nothing for %s', async (_label, qs) => {
    const [q0, s0] = [await queued(), await stored()];
    const res = await e.server.get(`/api/track/postback?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect([await queued(), await stored()]).toEqual([q0, s0]);
  });

  it('answers HEAD probes without taking them for postbacks', async () => {
    const [q0, s0] = [await queued(), await stored()];
    const res = await fetch(`${e.api.url}/api/track/postback?click_id=abc&token=t`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect([await queued(), await stored()]).toEqual([q0, s0]);
  });

  it('names the missing click_id', async () => {
    const res = await e.server.post('/api/track/postback', { txn_id: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('click_id is required');
  });

  it('refuses unreadable bodies with a 4xx', async () => {
    const bad = await e.server.post('/api/track/postback', '{"click_id": ', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    const arr = await e.server.post('/api/track/postback', '[1,2]', { 'content-type': 'application/json' });
    expect(arr.status).toBe(400);
    const big = await e.server.post('/api/track/postback', { click_id: 'a', pad: 'x'.repeat(200_000) });
    expect(big.status).toBe(413);
  });

  it('never answers 5xx, whatever the parameters or body (fuzzed)', async () => {
    const key = fc.oneof(fc.constantFrom('click_id', 'txn_id', 'amount', 'currency', 'status', 'token'), fc.string({ maxLength: 12 }));
    const value = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.stringMatching(/^\d{1,14}(\.\d{0,8})?$/),
      fc.constantFrom('approved', 'PENDING', 'usd', 'EUR', '', ' ', '0', '1e9', '19.99', '\u0000', '%', '%zz', '[]', '{}'),
    );
    const params = fc.dictionary(key, value, { maxKeys: 8 });
    const jsonValue = fc.oneof(value, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(value, { maxLength: 3 }), fc.object({ maxDepth: 2 }));
    const request = fc.oneof(
      params.map((p) => ({ kind: 'get' as const, body: new URLSearchParams(p).toString() })),
      fc.string({ maxLength: 200 }).map((raw) => ({ kind: 'get-raw' as const, body: raw })),
      params.map((p) => ({ kind: 'form' as const, body: new URLSearchParams(p).toString() })),
      fc.dictionary(key, jsonValue, { maxKeys: 8 }).map((p) => ({ kind: 'json' as const, body: JSON.stringify(p) })),
      fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data')).map(([raw, type]) => ({ kind: 'raw' as const, body: raw, type })),
    );
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let res: { status: number };
        if (r.kind === 'get') res = await e.server.get(`/api/track/postback?${r.body}`);
        else if (r.kind === 'get-raw') res = await e.server.get(`/api/track/postback?${encodeURI(r.body).replace(/#/g, '%23')}`);
        else if (r.kind === 'form') res = await e.server.post('/api/track/postback', r.body, { 'content-type': 'application/x-www-form-urlencoded' });
        else if (r.kind === 'json') res = await e.server.post('/api/track/postback', r.body, { 'content-type': 'application/json' });
        else res = await e.server.post('/api/track/postback', r.body, { 'content-type': r.type });
        statuses.add(res.status);
        expect(res.status, `${r.kind} ${r.body}`).toBeLessThan(500);
        // 401: no token, or one of no campaign (fuzzed tokens open none).
        expect([400, 401, 413, 415]).toContain(res.status);
      }),
      { numRuns: 300 },
    );
    expect(statuses.has(401) && statuses.has(400)).toBe(true);
  }, 120_000);
});

describe('when Redis or MongoDB is unavailable', () => {
  const sibling = async (name: string): Promise<{ ctx: AppContext; api: ApiServer }> => {
    const ctx = await createContext(e.ctx.config, { name, mongoUrl: inject('mongoUrl'), redisUrl: inject('redisUrl') });
    return { ctx, api: await startTestApi(ctx) };
  };

  it('stores the postback in MongoDB when Redis is down, and the worker replays it later', async () => {
    const s = await sibling('api-without-redis');
    try {
      s.ctx.producer.disconnect();
      const click = await insertClick(e.ctx, c);
      const res = await fetch(`${s.api.url}/api/track/postback?click_id=${click}&txn_id=spooled&token=${c.postbackSecret}`);
      expect(res.status).toBe(200);
      const { id } = (await res.json()) as { id: string };
      expect(await e.ctx.models.Postback.findById(id).lean()).toMatchObject({ state: 'queued', params: { click_id: click, txn_id: 'spooled' } });
      expect(await e.ctx.db.collection(POSTBACK_SPOOL).countDocuments({ _id: id as never })).toBe(1);
      expect(await e.ctx.queues.conversions.getJob(id)).toBeUndefined();

      const stop = await startWorkers(e.ctx, ['conversions']);
      try {
        const pb = await resolved(e, id);
        expect(pb.state).toBe('attributed');
        await until('spool emptied', async () => (await e.ctx.db.collection(POSTBACK_SPOOL).countDocuments({})) === 0);
      } finally {
        await stop();
      }
    } finally {
      await s.api.close();
      await s.ctx.close();
    }
  });

  it('answers 503 and claims nothing when neither Redis nor MongoDB can store it', async () => {
    const s = await sibling('api-without-anything');
    try {
      s.ctx.producer.disconnect();
      await s.ctx.conn.close(true);
      const before = await stored();
      const res = await fetch(`${s.api.url}/api/track/postback?click_id=abc&txn_id=lost&token=${c.postbackSecret}`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
      expect(await stored()).toBe(before);
    } finally {
      await s.api.close();
      await s.ctx.close().catch(() => {});
    }
  });
});
