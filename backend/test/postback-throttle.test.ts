import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { campaignForToken } from '../src/conversions/campaign-by-token';
import { findPostback } from '../src/conversions/postback-lookup';
import { createContext, type AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { POSTBACK_TOKENS } from '../src/db/postback-tokens';
import { startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { BROWSER_UA, createOffer, startTrackingStack } from './helpers/tracking';
import { campaignWithLink, insertClick, resolved, startPostbackEnv, until, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/**
 * Public postback intake: junk is answered and counted, never stored or
 * queued; budgets per address and per campaign; the campaign's IP allow-list;
 * an accepted id is always found. TRUST_PROXY=1 lets each test speak from
 * its own address (X-Forwarded-For), so the budgets of one test do not
 * spill into another's.
 */
let e: PostbackEnv;
let c: TestCampaign;
let nextAddr = 1;
const freshIp = () => `198.51.100.${nextAddr++}`;

beforeAll(async () => {
  e = await startPostbackEnv({ TRUST_PROXY: '1', POSTBACK_MAX_PER_IP: '20', POSTBACK_MAX_PER_TOKEN: '100000', PUBLIC_RATE_WINDOW_SECONDS: '60' }, ['conversions']);
  c = await campaignWithLink(e);
}, 60_000);
afterAll(async () => { await e?.close(); });

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const stored = () => e.ctx.models.Postback.countDocuments({});
const queued = async () => Object.values(await e.ctx.queues.conversions.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'completed', 'failed')).reduce((a, b) => a + b, 0);
const refusedThisHour = async (): Promise<Record<string, string>> => e.ctx.redis.hgetall(`${e.ctx.keys.prefix}:refused:postback:${new Date().toISOString().slice(0, 13).replace(/[-T]/g, '')}`);

describe('junk postbacks', () => {
  it('answers postbacks without a token or with an unknown one, stores and queues nothing, and counts them per address and hour', async () => {
    const ip = freshIp();
    const [s0, q0] = [await stored(), await queued()];
    const none = await e.server.get('/api/track/postback?click_id=forged&txn_id=x', from(ip));
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'bad_token', message: expect.stringMatching(/token is required/) });
    const unknown = await e.server.get('/api/track/postback?click_id=forged&txn_id=x&token=not-a-secret', from(ip));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('bad_token');
    const form = await e.server.post('/api/track/postback', 'click_id=forged&token=nope', { 'content-type': 'application/x-www-form-urlencoded', ...from(ip) });
    expect(form.status).toBe(401);
    expect([await stored(), await queued()]).toEqual([s0, q0]);
    const counts = await until('counts written', async () => {
      const h = await refusedThisHour();
      return h[`bad_token|${ip}`] === '2' ? h : null;
    });
    expect(counts[`no_token|${ip}`]).toBe('1');
  });

  it('answers 429 with Retry-After once an address has spent its budget, and stores nothing of a flood', async () => {
    const ip = freshIp();
    const s0 = await stored();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => e.server.get(`/api/track/postback?click_id=forged&txn_id=${i}`, from(ip))));
    const byStatus = answers.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
    expect(byStatus).toEqual({ 401: 20, 429: 40 });
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.details.retryAfterSeconds).toBe(Number(limited.headers.get('retry-after')));
    expect(await stored()).toBe(s0);
    await until('429s counted', async () => Number((await refusedThisHour())[`rate_limited|${ip}`] ?? 0) >= 40);
  });

  it('lets a real postback through, stored and attributed, while junk from elsewhere is throttled', async () => {
    const junkIp = freshIp();
    const junk = Promise.all(Array.from({ length: 80 }, () => e.server.get('/api/track/postback?click_id=forged&token=guess', from(junkIp))));
    const click = await insertClick(e.ctx, c);
    const res = await e.server.get(`/api/track/postback?click_id=${click}&txn_id=real-1&token=${c.postbackSecret}`, from(freshIp()));
    expect(res.status).toBe(200);
    expect((await junk).filter((r) => r.status === 429).length).toBe(60);
    const pb = await resolved(e, res.body.id);
    expect(pb).toMatchObject({ state: 'attributed', campaignId: c.id });
    const list = await e.adv.client.get(`/api/postbacks?campaignId=${c.id}`);
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(res.body.id);
  });

  it('still stores a valid-token postback that fails attribution, as before', async () => {
    const res = await e.server.get(`/api/track/postback?click_id=not-a-click&token=${c.postbackSecret}`, from(freshIp()));
    expect(res.status).toBe(200);
    expect(await resolved(e, res.body.id)).toMatchObject({ state: 'rejected', reason: 'unknown_click' });
  });

  it('answers 429 per campaign once its token spent the campaign budget', async () => {
    const tight = await startPostbackEnv({ POSTBACK_MAX_PER_TOKEN: '5', PUBLIC_RATE_WINDOW_SECONDS: '60' }, []);
    try {
      const tc = await campaignWithLink(tight);
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => tight.server.get(`/api/track/postback?click_id=c${i}&token=${tc.postbackSecret}`)));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      expect(answers.find((r) => r.status === 429)!.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await tight.close();
    }
  });
});

describe('postback IP allow-list', () => {
  it('accepts postbacks from listed addresses and ranges only; others get 403 ip_not_allowed, counted, not stored', async () => {
    const own = await campaignWithLink(e);
    const set = await e.adv.client.patch(`/api/campaigns/${own.id}`, { postbackAllowedIps: ['203.0.113.0/24', ' 2001:DB8::7 ', '192.0.2.10'] });
    expect(set.status).toBe(200);
    expect(set.body.campaign.postbackAllowedIps).toEqual(['203.0.113.0/24', '2001:db8::7', '192.0.2.10']);
    expect((await e.adv.client.get(`/api/campaigns/${own.id}`)).body.campaign.postbackAllowedIps).toEqual(['203.0.113.0/24', '2001:db8::7', '192.0.2.10']);

    const send = (ip: string) => e.server.get(`/api/track/postback?click_id=x&token=${own.postbackSecret}`, from(ip));
    for (const ip of ['203.0.113.77', '192.0.2.10', '2001:db8::7']) {
      const ok = await send(ip);
      expect(ok.status, ip).toBe(200);
      await resolved(e, ok.body.id); // the worker is done with it before counting
    }
    const s0 = await stored();
    const q0 = await queued();
    for (const ip of ['203.0.114.1', '192.0.2.11', '2001:db8::8']) {
      const res = await send(ip);
      expect(res.status, ip).toBe(403);
      expect(res.body.error.code).toBe('ip_not_allowed');
    }
    expect([await stored(), await queued()]).toEqual([s0, q0]);
    await until('counted', async () => (await refusedThisHour())['ip_not_allowed|203.0.114.1'] === '1');

    // Emptied: anyone with the token again.
    expect((await e.admin.client.patch(`/api/campaigns/${own.id}`, { postbackAllowedIps: [] })).status).toBe(200);
    expect((await send('203.0.114.1')).status).toBe(200);
  });

  it.each([
    ['a host name', ['example.com']],
    ['a prefix too long', ['10.0.0.0/33']],
    ['a legacy IPv4 form', ['127.1']],
    ['an IPv6 prefix too long', ['2001:db8::/129']],
    ['not a list', '203.0.113.0/24'],
    ['too many entries', Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`)],
  ])('refuses %s with a 400 naming the field', async (_label, value) => {
    const res = await e.adv.client.patch(`/api/campaigns/${c.id}`, { postbackAllowedIps: value });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error.details)).toContain('postbackAllowedIps');
  });

  it('is set at creation too', async () => {
    const res = await e.adv.client.post('/api/campaigns', { name: 'Listed', destinationUrl: 'https://shop.example.com/?c={click_id}', payoutModel: 'CPA', revenueCents: 100, payoutCents: 50, postbackAllowedIps: ['198.51.100.0/24'] });
    expect(res.status).toBe(201);
    expect(res.body.campaign.postbackAllowedIps).toEqual(['198.51.100.0/24']);
    expect((await e.server.get(`/api/track/postback?click_id=x&token=${res.body.campaign.postbackSecret}`, from('203.0.113.5'))).status).toBe(403);
  });
});

describe('an accepted postback id', () => {
  it('is always found, polled at once and again while the worker resolves it (no 404)', async () => {
    const clicks = await Promise.all(Array.from({ length: 40 }, () => insertClick(e.ctx, c)));
    const statuses: number[] = [];
    await Promise.all(
      clicks.map(async (click, i) => {
        const res = await e.server.get(`/api/track/postback?click_id=${click}&txn_id=poll-${i}&token=${c.postbackSecret}`, from(freshIp()));
        expect(res.status).toBe(200);
        for (let n = 0; n < 40; n++) {
          const got = await e.adv.client.get(`/api/track/postback/${res.body.id}`);
          statuses.push(got.status);
          if (got.status === 200 && got.body.postback.state !== 'queued') return;
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  }, 60_000);
});

describe('tracking-link error answers', () => {
  it('answers 429 with Retry-After once an address probed too many unknown links; valid clicks still redirect', async () => {
    const ctx = await createTestContext({ TRUST_PROXY: '1', CLICK_MAX_ERRORS_PER_IP: '5', PUBLIC_RATE_WINDOW_SECONDS: '60', LOGIN_MAX_PER_IP: '100000' });
    const stack = await startTrackingStack(ctx);
    try {
      const offer = await createOffer(ctx, stack.api.url);
      const get = (path: string, ip: string) => fetch(`${stack.api.url}${path}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA, 'x-forwarded-for': ip } });
      const probes = [];
      for (let i = 0; i < 8; i++) probes.push((await get(`/c/nosuchlink${i}`, '192.0.2.50')).status);
      expect(probes).toEqual([404, 404, 404, 404, 404, 429, 429, 429]);
      const limited = await get('/c/nosuchlink', '192.0.2.50');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // The valid redirect is never counted nor refused, even from the address that is over its budget.
      expect((await get(`/c/${offer.linkId}`, '192.0.2.50')).status).toBe(302);
      expect((await get('/c/nosuchlink', '192.0.2.51')).status).toBe(404);
    } finally {
      await stack.close();
      await destroyTestContext(ctx);
    }
  });
});

describe('the postback token index', () => {
  it('finds campaigns stored before it existed, after one backfill, and never those of other tokens', async () => {
    const ctx = await createTestContext();
    try {
      // Written straight to the collection, as a database from before the index holds them.
      await ctx.db.collection('campaigns').insertOne({ _id: 'c'.repeat(24) as never, advertiserId: 'a'.repeat(24), postbackSecret: 'old-secret-1', previousPostbackSecret: null, previousSecretValidUntil: null });
      expect(await ctx.db.collection(POSTBACK_TOKENS).countDocuments({})).toBe(0);
      expect((await campaignForToken(ctx, 'old-secret-1', Date.now()))?._id).toBe('c'.repeat(24));
      expect(await campaignForToken(ctx, 'other-secret', Date.now())).toBeNull();
      expect(await ctx.db.collection('migrations').countDocuments({ _id: 'postback_tokens' as never })).toBe(1);
    } finally {
      await destroyTestContext(ctx);
    }
  });
});

describe('while MongoDB is unreachable', () => {
  it('keeps accepting postbacks of a token the instance has seen valid, also past its 5 s memory, without waiting', async () => {
    const ctx = await createContext(e.ctx.config, { name: 'api-losing-mongo', mongoUrl: inject('mongoUrl'), redisUrl: inject('redisUrl') });
    const api = await startTestApi(ctx);
    try {
      const send = (txn: string) => fetch(`${api.url}/api/track/postback?click_id=x&txn_id=${txn}&token=${c.postbackSecret}`, { headers: from(freshIp()) });
      expect((await send('m-1')).status).toBe(200);
      await ctx.conn.close(true);
      expect((await send('m-2')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 5200));
      const t0 = Date.now();
      expect((await send('m-3')).status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(ctx.config.POSTBACK_ENQUEUE_TIMEOUT_MS);
    } finally {
      await api.close();
      await ctx.close().catch(() => {});
    }
  }, 30_000);
});

describe('postback lookup race', () => {
  it('finds a postback whose job finished between the document read and the job read', async () => {
    const id = newId();
    const doc = { _id: id, state: 'attributed', advertiserId: c.advertiserId, params: {}, receivedAt: new Date() };
    let reads = 0;
    // The first read misses (the worker has not written it yet); by the job read the job is done and removed.
    const racing = {
      ...e.ctx,
      models: { ...e.ctx.models, Postback: { findById: () => ({ lean: async () => (reads++ === 0 ? null : doc) }) } },
      queues: { ...e.ctx.queues, conversions: { getJob: async () => undefined } },
    } as unknown as AppContext;
    expect(await findPostback(racing, id)).toMatchObject({ _id: id, state: 'attributed' });
    expect(reads).toBe(2);
  });
});
