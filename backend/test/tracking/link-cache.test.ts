import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { AppContext } from '../../src/context';
import { connectMongo, createModels } from '../../src/db/connection';
import { LinkCache } from '../../src/tracking/link-cache';
import { createTestContext, destroyTestContext } from '../helpers/context';
import { createOffer, startTrackingStack, type Offer, type TrackingStack } from '../helpers/tracking';

let ctx: AppContext;
let stack: TrackingStack;
let offer: Offer;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  stack = await startTrackingStack(ctx, { worker: false });
  offer = await createOffer(ctx, stack.api.url, { payoutModel: 'CPC', revenueCents: 40, payoutCents: 25 });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

describe('link cache', () => {
  it('resolves a link to its campaign, affiliate and terms, with the affiliate’s override', async () => {
    await offer.advertiser.client.put(`/api/campaigns/${offer.campaign.id}/overrides/${offer.affiliate.id}`, { payoutCents: 30 });
    const cache = new LinkCache({ models: ctx.models, log: ctx.log, ttlMs: 1000, maxEntries: 10 });
    const t = await cache.load(offer.linkId);
    expect(t).toMatchObject({
      linkId: offer.linkId,
      campaignId: offer.campaign.id,
      affiliateId: offer.affiliate.id,
      advertiserId: offer.advertiser.id,
      campaignStatus: 'active',
      affiliateStatus: 'approved',
      advertiserStatus: 'approved',
      fallbackUrl: 'https://shop.example.com/',
      limit: null,
      currency: 'USD',
      cpcRevenueCents: 40,
      cpcPayoutCents: 30,
      destinationAscii: true,
    });
  });

  it('loads once for concurrent requests, expires after its TTL, and never outlives midnight with daily caps', async () => {
    let now = Date.UTC(2030, 0, 1, 23, 59, 50);
    const cache = new LinkCache({ models: ctx.models, log: ctx.log, ttlMs: 60_000, maxEntries: 10, now: () => now });
    await Promise.all(Array.from({ length: 20 }, () => cache.resolve(offer.linkId)));
    expect(cache.stats.loads).toBe(1);
    expect(cache.peek(offer.linkId)).not.toBeUndefined();
    now += 59_000;
    expect(cache.peek(offer.linkId)).not.toBeUndefined();
    now += 2_000;
    expect(cache.peek(offer.linkId)).toBeUndefined();

    const capped = await createOffer(ctx, stack.api.url, { caps: { dailyConversions: 10 } }, { admin: offer.admin, advertiser: offer.advertiser });
    now = Date.UTC(2030, 0, 1, 23, 59, 50);
    await cache.load(capped.linkId);
    now += 9_000;
    expect(cache.peek(capped.linkId)).not.toBeUndefined();
    now += 2_000; // past midnight: the daily counters start again
    expect(cache.peek(capped.linkId)).toBeUndefined();
  });

  it('keeps a bounded number of entries and of remembered unknown ids', async () => {
    const cache = new LinkCache({ models: ctx.models, log: ctx.log, ttlMs: 60_000, maxEntries: 1, maxNegativeEntries: 3 });
    const second = await createOffer(ctx, stack.api.url, {}, { admin: offer.admin, advertiser: offer.advertiser });
    await cache.load(offer.linkId);
    await cache.load(second.linkId);
    expect(cache.size).toBe(1);
    expect(cache.peek(offer.linkId)).toBeUndefined();
    for (const id of ['Unknown001', 'Unknown002', 'Unknown003', 'Unknown004']) expect(await cache.load(id)).toBeNull();
    expect(cache.peek('Unknown001')).toBeUndefined(); // evicted, the oldest
    expect(cache.peek('Unknown004')).toBeNull();
  });

  it('drops entries on invalidation, and a load racing an invalidation does not store stale data', async () => {
    const cache = new LinkCache({ models: ctx.models, log: ctx.log, ttlMs: 60_000, maxEntries: 10 });
    await cache.load(offer.linkId);
    cache.invalidate({ kind: 'affiliate', id: 'someone-else' });
    expect(cache.peek(offer.linkId)).not.toBeUndefined();
    cache.invalidate({ kind: 'campaign', id: offer.campaign.id });
    expect(cache.peek(offer.linkId)).toBeUndefined();
    const racing = cache.load(offer.linkId);
    cache.invalidate({ kind: 'link', id: 'other' });
    expect(await racing).not.toBeNull();
    expect(cache.peek(offer.linkId)).toBeUndefined();
  });

  it('serves an expired entry when MongoDB fails, and fails only for links it never saw', async () => {
    const conn = await connectMongo(inject('mongoUrl'), ctx.config.MONGO_DB);
    let now = Date.now();
    const cache = new LinkCache({ models: createModels(conn), log: ctx.log, ttlMs: 1000, maxEntries: 10, now: () => now });
    await cache.load(offer.linkId);
    await conn.close();
    now += 5000;
    expect(cache.peek(offer.linkId)).toBeUndefined();
    expect((await cache.load(offer.linkId))?.campaignId).toBe(offer.campaign.id);
    expect(cache.stats.staleServed).toBe(1);
    await expect(cache.load('NeverSeen01')).rejects.toThrow();
  });
});
