import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { dayKey } from '../src/domain/time-buckets';
import { CLICK_JOB_NAME } from '../src/tracking/click-event';
import { register } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';
import { click, createOffer, eventually, startTrackingStack, type Offer, type TrackingStack } from './helpers/tracking';

let ctx: AppContext;
let stack: TrackingStack;
let url: string;
let offer: Offer;
let other: Offer;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  stack = await startTrackingStack(ctx);
  url = stack.api.url;
  offer = await createOffer(ctx, url);
  other = await createOffer(ctx, url, {}, { admin: offer.admin });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

describe('queue dashboard', () => {
  it('gives admins the queue summary with depths and failures; everyone else 401/403', async () => {
    await ctx.queues.clicks.add(CLICK_JOB_NAME, { id: 'broken', clicks: [] } as never, { jobId: 'broken-job' });
    const res = await eventually(async () => {
      const r = await offer.admin.client.get('/api/admin/queues/summary');
      return r.body.queues?.find((q: { name: string }) => q.name === 'clicks')?.failed >= 1 ? r : undefined;
    }, 'the failed job to show');
    expect(res.status).toBe(200);
    expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['clicks', 'conversions', 'deliveries']);
    for (const q of res.body.queues) expect(Object.keys(q).sort()).toEqual(['active', 'completed', 'delayed', 'failed', 'name', 'waiting']);

    expect((await offer.advertiser.client.get('/api/admin/queues/summary')).status).toBe(403);
    expect((await offer.affiliate.client.get('/api/admin/queues/summary')).status).toBe(403);
    expect((await new TestClient(url).get('/api/admin/queues/summary')).status).toBe(401);
  });

  it('serves Bull Board (UI, its API and assets) to admins only', async () => {
    const page = await offer.admin.client.get('/api/admin/queues', { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Offerly queues</title>');
    expect(page.text).toContain('<base href="/api/admin/queues/"');
    const asset = /src="(static\/js\/[^"]+\.js)"/.exec(page.text)![1];
    expect((await offer.admin.client.get(`/api/admin/queues/${asset}`)).status).toBe(200);
    const api = await offer.admin.client.get('/api/admin/queues/api/queues?activeQueue=clicks&status=failed');
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['clicks', 'conversions', 'deliveries']));
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);

    for (const c of [offer.advertiser.client, offer.affiliate.client]) {
      expect((await c.get('/api/admin/queues')).status).toBe(403);
      expect((await c.get('/api/admin/queues/api/queues')).status).toBe(403);
      expect((await c.get(`/api/admin/queues/${asset}`)).status).toBe(403);
    }
    const anon = new TestClient(url);
    expect((await anon.get('/api/admin/queues')).status).toBe(401);
    expect((await anon.request('PUT', '/api/admin/queues/api/queues/clicks/retry/failed', {})).status).toBe(401);
    // Writes from the board are refused: read-only, and behind the CSRF check like every cookie write.
    const put = await offer.admin.client.request('PUT', '/api/admin/queues/api/queues/clicks/retry/failed', {});
    expect(put.status).toBeGreaterThanOrEqual(400);
    expect(put.status).toBeLessThan(500);
  });
});

describe('GET /api/live', () => {
  it('returns the last 60 minutes and today for a campaign its advertiser owns', async () => {
    const r = await click(url, `/c/${offer.linkId}`);
    expect(r.status).toBe(302);
    const res = await eventually(async () => {
      const x = await offer.advertiser.client.get(`/api/live?scope=campaign&id=${offer.campaign.id}`);
      return x.body.today?.clicks === 1 ? x : undefined;
    }, 'live counters');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('campaign');
    expect(res.body.id).toBe(offer.campaign.id);
    expect(res.body.minutes).toHaveLength(60);
    expect(res.body.minutes.at(-1)).toMatchObject({ clicks: 1, uniqueClicks: 1, invalidClicks: 0, conversions: 0, money: {} });
    expect(res.body.today).toEqual({ clicks: 1, uniqueClicks: 1, invalidClicks: 0, conversions: 0, money: {} });
  });

  it('never shows revenue in the affiliate scope (to the affiliate or anyone else); the campaign scope keeps it', async () => {
    const cpc = await createOffer(ctx, url, { payoutModel: 'CPC', revenueCents: 50, payoutCents: 30 }, { admin: offer.admin });
    // Revenue an older version kept in the affiliate's hash is not read either.
    await ctx.redis.hincrby(ctx.keys.live('affiliate', cpc.affiliate.id, `d:${dayKey(Date.now())}`), 'r:EUR', 999);
    expect((await click(url, `/c/${cpc.linkId}`)).status).toBe(302);
    const mine = await eventually(async () => {
      const x = await cpc.affiliate.client.get(`/api/live?scope=affiliate&id=${cpc.affiliate.id}`);
      return x.body.today?.clicks === 1 ? x : undefined;
    }, 'the affiliate’s live counters');
    expect(mine.body.today).toEqual({ clicks: 1, uniqueClicks: 1, invalidClicks: 0, conversions: 0, money: { USD: { payoutCents: 30 } } });
    expect(mine.body.minutes.at(-1).money).toEqual({ USD: { payoutCents: 30 } });
    expect(JSON.stringify(mine.body)).not.toContain('revenue');
    const asAdmin = await offer.admin.client.get(`/api/live?scope=affiliate&id=${cpc.affiliate.id}`);
    expect(asAdmin.body.today.money).toEqual({ USD: { payoutCents: 30 } });
    const campaign = await cpc.advertiser.client.get(`/api/live?scope=campaign&id=${cpc.campaign.id}`);
    expect(campaign.body.today.money).toEqual({ USD: { revenueCents: 50, payoutCents: 30 } });
  });

  it('checks who may see which scope: 404 for others’ campaigns and affiliates, 403 for the platform', async () => {
    const adv = offer.advertiser.client;
    expect((await adv.get(`/api/live?scope=campaign&id=${other.campaign.id}`)).status).toBe(404);
    expect((await adv.get('/api/live?scope=platform')).status).toBe(403);
    expect((await adv.get(`/api/live?scope=affiliate&id=${offer.affiliate.id}`)).status).toBe(404);
    const aff = offer.affiliate.client;
    expect((await aff.get(`/api/live?scope=affiliate&id=${offer.affiliate.id}`)).status).toBe(200);
    expect((await aff.get(`/api/live?scope=affiliate&id=${other.affiliate.id}`)).status).toBe(404);
    expect((await aff.get(`/api/live?scope=campaign&id=${offer.campaign.id}`)).status).toBe(404);
    const admin = offer.admin.client;
    const platform = await admin.get('/api/live?scope=platform');
    expect(platform.status).toBe(200);
    expect(platform.body.id).toBe('all');
    expect((await admin.get(`/api/live?scope=campaign&id=${other.campaign.id}`)).status).toBe(200);
    expect((await admin.get(`/api/live?scope=affiliate&id=${other.affiliate.id}`)).status).toBe(200);
    const pending = await register(url, 'affiliate');
    expect((await pending.client.get(`/api/live?scope=affiliate&id=${pending.id}`)).status).toBe(403);
  });

  it('answers malformed queries with 400, never 5xx', async () => {
    const admin = offer.admin.client;
    for (const q of ['', '?scope=planet', '?scope=campaign', '?scope=campaign&id=xyz', '?scope=affiliate&id=', '?scope=platform&extra=1', '?scope[]=platform']) {
      const res = await admin.get(`/api/live${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ maxLength: 40 }), async (scope, id) => {
        const res = await admin.get(`/api/live?scope=${encodeURIComponent(scope)}&id=${encodeURIComponent(id)}`);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});
