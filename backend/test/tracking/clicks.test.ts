import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { findClick } from '../../src/db/raw-events';
import { hourStart } from '../../src/domain/time-buckets';
import { readLive } from '../../src/realtime/live-counters';
import { startWorkers } from '../../src/workers';
import { createTestContext, destroyTestContext } from '../helpers/context';
import { BROWSER_UA, click, clicksOfLink, createOffer, eventually, startTrackingStack, storedClick, type TrackingStack } from '../helpers/tracking';

let ctx: AppContext;
let stack: TrackingStack;
let url: string;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', TRUST_PROXY: 'true' });
  stack = await startTrackingStack(ctx);
  url = stack.api.url;
});
afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

const countOf = async (linkId: string) => (await clicksOfLink(ctx, linkId)).length;

describe('click redirect', () => {
  it('never lets a sub ID choose the host, even for a destination stored before macros were refused there', async () => {
    const offer = await createOffer(ctx, url);
    // Written directly: the API refuses this template now, older data may still hold one.
    await ctx.models.Campaign.updateOne({ _id: offer.campaign.id }, { $set: { destinationUrl: 'https://{sub1}/landing?c={click_id}&s={sub1}' } });
    const r = await click(url, `/c/${offer.linkId}?sub1=evil.example`);
    expect(r.status).toBe(302);
    expect(r.location).not.toMatch(/^https?:\/\/evil\.example/);
    expect(new URL(r.location!).hostname).not.toBe('evil.example');
    expect(new URL(r.location!).searchParams.get('s')).toBe('evil.example');
  });

  it('answers 302 with every macro filled and URL-encoded, then stores the click exactly once with its fields', async () => {
    const offer = await createOffer(ctx, url, {
      destinationUrl: 'https://shop.example.com/landing?cid={click_id}&aff={aff_id}&camp={campaign_id}&s1={sub1}&s2={sub2}&s3={sub3}&s4={sub4}&s5={sub5}&keep={unknown}',
    });
    const before = Date.now();
    const r = await click(url, `/c/${offer.linkId}?sub1=fb%20ads&sub2=a%26b%3Dc&sub3=%C3%A9t%C3%A9&sub5=x/y?z`, {
      referer: 'https://blog.example.org/post',
      'x-forwarded-for': '203.0.113.7, 10.0.0.1',
      'cf-ipcountry': 'de',
    });
    expect(r.status).toBe(302);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const loc = new URL(r.location!);
    expect(loc.origin + loc.pathname).toBe('https://shop.example.com/landing');
    expect(r.clickId).toMatch(/^[0-9a-f]{32}$/);
    expect(loc.searchParams.get('cid')).toBe(r.clickId);
    expect(loc.searchParams.get('aff')).toBe(offer.affiliate.id);
    expect(loc.searchParams.get('camp')).toBe(offer.campaign.id);
    expect(loc.searchParams.get('s1')).toBe('fb ads');
    expect(loc.searchParams.get('s2')).toBe('a&b=c');
    expect(loc.searchParams.get('s3')).toBe('été');
    expect(loc.searchParams.get('s4')).toBe('');
    expect(loc.searchParams.get('s5')).toBe('x/y?z');
    expect(r.location).toContain('s2=a%26b%3Dc');
    expect(r.location).toContain('keep={unknown}');

    const doc = await storedClick(ctx, r.clickId!);
    expect(doc).toMatchObject({
      linkId: offer.linkId,
      campaignId: offer.campaign.id,
      affiliateId: offer.affiliate.id,
      advertiserId: offer.advertiser.id,
      unique: 1,
      valid: 1,
      invalid: 0,
      reason: null,
      sub1: 'fb ads',
      sub2: 'a&b=c',
      sub3: 'été',
      sub4: null,
      sub5: 'x/y?z',
      ua: BROWSER_UA,
      country: 'DE',
      device: 'desktop',
      os: 'Linux',
      browser: 'Chrome',
      referer: 'https://blog.example.org/post',
      deepLink: null,
      revenueCents: 0,
      payoutCents: 0,
      currency: 'USD',
    });
    expect(doc.visitor).toMatch(/^[0-9a-f]{32}$/);
    expect(doc.ts.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(doc.hour.getTime()).toBe(hourStart(doc.ts.getTime()));
    // Give a duplicate every chance to appear, then count.
    await new Promise((res) => setTimeout(res, 300));
    expect(await countOf(offer.linkId)).toBe(1);
    const live = await readLive(ctx.redis, ctx.keys, 'campaign', offer.campaign.id);
    expect(live.today).toMatchObject({ clicks: 1, uniqueClicks: 1, invalidClicks: 0 });
  });

  it('classifies the country from the client address when no CDN names it (ZZ for a private one) and the device from the user agent', async () => {
    const offer = await createOffer(ctx, url);
    const uk = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '81.2.69.142', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' });
    const lan = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '192.168.1.20' });
    expect(await storedClick(ctx, uk.clickId!)).toMatchObject({ country: 'GB', device: 'mobile', os: 'iOS', browser: 'Safari' });
    expect(await storedClick(ctx, lan.clickId!)).toMatchObject({ country: 'ZZ', device: 'desktop' });
  });

  it('serves the long alias and HEAD the same way; HEAD has no body and is stored invalid (head_request)', async () => {
    const offer = await createOffer(ctx, url);
    const ip = { 'x-forwarded-for': '198.51.100.77' };
    const head = await click(url, `/api/track/click/${offer.linkId}?sub1=h`, ip, 'HEAD');
    expect(head.status).toBe(302);
    expect(head.text).toBe('');
    expect(head.location).toMatch(/^https:\/\/shop\.example\.com\/landing\?cid=[0-9a-f]{32}&s1=h$/);
    expect(await storedClick(ctx, head.clickId!)).toMatchObject({ valid: 0, invalid: 1, unique: 0, reason: 'head_request', sub1: 'h', revenueCents: 0, payoutCents: 0 });
    // The probe did not take the visitor's unique slot: the same visitor's GET is its first unique click.
    const get = await click(url, `/api/track/click/${offer.linkId}`, ip);
    expect(get.status).toBe(302);
    expect(get.location).toMatch(/^https:\/\/shop\.example\.com\/landing\?cid=[0-9a-f]{32}&s1=$/);
    expect(await storedClick(ctx, get.clickId!)).toMatchObject({ valid: 1, invalid: 0, unique: 1, reason: null });
  });

  it('never pays a HEAD request on a CPC campaign, and counts it as invalid live', async () => {
    const offer = await createOffer(ctx, url, { payoutModel: 'CPC', revenueCents: 50, payoutCents: 30 });
    const ip = { 'x-forwarded-for': '198.51.100.78' };
    const head = await click(url, `/c/${offer.linkId}`, ip, 'HEAD');
    const get = await click(url, `/c/${offer.linkId}`, ip);
    expect(head.status).toBe(302);
    expect(head.location).toBe(get.location!.replace(get.clickId!, head.clickId!));
    expect(await storedClick(ctx, head.clickId!)).toMatchObject({ reason: 'head_request', unique: 0, revenueCents: 0, payoutCents: 0 });
    expect(await storedClick(ctx, get.clickId!)).toMatchObject({ reason: null, unique: 1, revenueCents: 50, payoutCents: 30 });
    const live = await eventually(async () => {
      const l = await readLive(ctx.redis, ctx.keys, 'campaign', offer.campaign.id);
      return l.today.clicks === 2 ? l : undefined;
    }, 'both clicks counted live');
    expect(live.today).toMatchObject({ clicks: 2, uniqueClicks: 1, invalidClicks: 1, money: { USD: { revenueCents: 50, payoutCents: 30 } } });
  });

  it('truncates over-long sub IDs and drops control characters instead of failing', async () => {
    const offer = await createOffer(ctx, url);
    const r = await click(url, `/c/${offer.linkId}?sub1=${'a'.repeat(1000)}&sub2=%00%01ok%7F`);
    expect(r.status).toBe(302);
    const doc = await storedClick(ctx, r.clickId!);
    expect(doc.sub1).toBe('a'.repeat(255));
    expect(doc.sub2).toBe('ok');
  });
});

describe('unique and gross clicks', () => {
  it('counts the same visitor twice as 1 unique and 2 gross; another user agent or address is a new visitor', async () => {
    const offer = await createOffer(ctx, url);
    const ip = { 'x-forwarded-for': '198.51.100.20' };
    const a = await click(url, `/c/${offer.linkId}`, ip);
    const b = await click(url, `/c/${offer.linkId}`, ip);
    const c = await click(url, `/c/${offer.linkId}`, { ...ip, 'user-agent': `${BROWSER_UA} Edg/126.0` });
    const d = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '198.51.100.21' });
    const docs = await Promise.all([a, b, c, d].map((r) => storedClick(ctx, r.clickId!)));
    expect(docs.map((x) => x.unique)).toEqual([1, 0, 1, 1]);
    expect(docs.every((x) => x.valid === 1)).toBe(true);
    expect(docs[0]!.visitor).toBe(docs[1]!.visitor);
    expect(docs[2]!.visitor).not.toBe(docs[0]!.visitor);
    const live = await eventually(async () => {
      const l = await readLive(ctx.redis, ctx.keys, 'campaign', offer.campaign.id);
      return l.today.clicks === 4 ? l : undefined;
    }, 'live counters');
    expect(live.today).toMatchObject({ clicks: 4, uniqueClicks: 3, invalidClicks: 0 });
  });

  it('keeps the uniqueness mark for the configured window, holding the first click id', async () => {
    const offer = await createOffer(ctx, url);
    const r = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '198.51.100.30' });
    const doc = await storedClick(ctx, r.clickId!);
    const key = ctx.keys.uniqueClick(offer.linkId, doc.visitor);
    expect(await ctx.redis.get(key)).toBe(r.clickId);
    const ttl = await ctx.redis.ttl(key);
    expect(ttl).toBeGreaterThan(ctx.config.UNIQUE_CLICK_WINDOW_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(ctx.config.UNIQUE_CLICK_WINDOW_SECONDS);
    // Once the window is over (the mark gone), the visitor is unique again.
    await ctx.redis.del(key);
    const again = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '198.51.100.30' });
    expect((await storedClick(ctx, again.clickId!)).unique).toBe(1);
  });
});

describe('invalid clicks', () => {
  it('records bots and clients without a user agent as invalid but sends them to the destination', async () => {
    const offer = await createOffer(ctx, url);
    const bot = await click(url, `/c/${offer.linkId}`, { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    const curl = await click(url, `/c/${offer.linkId}`, { 'user-agent': 'curl/8.5.0' });
    const none = await click(url, `/c/${offer.linkId}`, { 'user-agent': '' });
    for (const r of [bot, curl, none]) {
      expect(r.status).toBe(302);
      expect(r.location).toMatch(/^https:\/\/shop\.example\.com\/landing\?cid=/);
    }
    expect(await storedClick(ctx, bot.clickId!)).toMatchObject({ valid: 0, invalid: 1, unique: 0, reason: 'bot' });
    expect(await storedClick(ctx, curl.clickId!)).toMatchObject({ valid: 0, reason: 'bot' });
    expect(await storedClick(ctx, none.clickId!)).toMatchObject({ valid: 0, reason: 'no_user_agent', ua: '' });
  });

  it('sends clicks on a paused campaign to the fallback and records them invalid; resuming takes effect at once', async () => {
    const offer = await createOffer(ctx, url);
    await click(url, `/c/${offer.linkId}`); // the link is now cached
    expect((await offer.advertiser.client.post(`/api/campaigns/${offer.campaign.id}/pause`)).status).toBe(200);
    const paused = await eventually(async () => {
      const r = await click(url, `/c/${offer.linkId}`);
      return r.location === 'https://shop.example.com/' ? r : undefined;
    }, 'the pause to reach the click path', 5000);
    expect(paused.status).toBe(302);
    await eventually(async () => (await clicksOfLink(ctx, offer.linkId)).some((d) => d.reason === 'campaign_paused'), 'paused click stored');
    const pausedDoc = (await clicksOfLink(ctx, offer.linkId)).find((d) => d.reason === 'campaign_paused')!;
    expect(pausedDoc).toMatchObject({ valid: 0, invalid: 1, unique: 0 });
    await offer.advertiser.client.post(`/api/campaigns/${offer.campaign.id}/resume`);
    await eventually(async () => (await click(url, `/c/${offer.linkId}`)).location?.startsWith('https://shop.example.com/landing?cid='), 'resume');
  });

  it('shows a small page when a paused campaign has no fallback URL; archived campaigns are invalid too', async () => {
    const offer = await createOffer(ctx, url, { fallbackUrl: null });
    await offer.advertiser.client.post(`/api/campaigns/${offer.campaign.id}/archive`);
    const r = await eventually(async () => {
      const x = await click(url, `/c/${offer.linkId}`);
      return x.status === 200 ? x : undefined;
    }, 'archived page');
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.text).toContain('Offer not available');
    const docs = await eventually(async () => {
      const d = await clicksOfLink(ctx, offer.linkId);
      return d.length ? d : undefined;
    }, 'archived click stored');
    expect(docs[0]).toMatchObject({ valid: 0, reason: 'campaign_archived' });
  });

  it('sees an affiliate suspension through the invalidation channel, not the TTL', async () => {
    // A cache that would hold entries for an hour: only an invalidation can make the change visible.
    const ctx2 = await createTestContext({ LOGIN_MAX_PER_IP: '100000', LINK_CACHE_TTL_MS: '3600000', MONGO_DB: ctx.config.MONGO_DB, REDIS_PREFIX: ctx.keys.prefix });
    const stack2 = await startTrackingStack(ctx2, { worker: false });
    try {
      const offer = await createOffer(ctx, url);
      const first = await click(stack2.api.url, `/c/${offer.linkId}`);
      expect(first.location).toMatch(/cid=/);
      const loads = stack2.tracking.cache.stats.loads;
      expect((await click(stack2.api.url, `/c/${offer.linkId}`)).location).toMatch(/cid=/);
      expect(stack2.tracking.cache.stats.loads).toBe(loads); // served from the cache

      const s = await offer.admin.client.post(`/api/admin/affiliates/${offer.affiliate.id}/suspend`, { note: 'fraud review' });
      expect(s.status).toBe(200);
      const blocked = await eventually(async () => {
        const r = await click(stack2.api.url, `/c/${offer.linkId}`);
        return r.location === 'https://shop.example.com/' ? r : undefined;
      }, 'suspension to reach the second instance', 5000);
      expect(blocked.status).toBe(302);
      expect(stack2.tracking.cache.stats.invalidations).toBeGreaterThan(0);
      const docs = await eventually(async () => {
        const d = (await clicksOfLink(ctx, offer.linkId)).filter((x) => x.reason === 'affiliate_inactive');
        return d.length ? d : undefined;
      }, 'suspended click stored');
      expect(docs[0]).toMatchObject({ valid: 0, invalid: 1, unique: 0 });
    } finally {
      await stack2.close();
      await ctx2.close();
    }
  });

  it('sends traffic to the fallback once a conversion cap or a budget is reached (counters set directly)', async () => {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const capped = await createOffer(ctx, url, { caps: { dailyConversions: 5 } });
    await ctx.models.CampaignCounter.create({ _id: `${capped.campaign.id}|${day}`, campaignId: capped.campaign.id, day, conversions: 5, spendCents: 0 });
    const r1 = await click(url, `/c/${capped.linkId}`);
    expect(r1.location).toBe('https://shop.example.com/');
    const budget = await createOffer(ctx, url, { caps: { totalBudgetCents: 10_000 } });
    await ctx.models.CampaignCounter.create({ _id: `${budget.campaign.id}|total`, campaignId: budget.campaign.id, day: 'total', conversions: 9, spendCents: 10_000 });
    const r2 = await click(url, `/c/${budget.linkId}`);
    expect(r2.location).toBe('https://shop.example.com/');
    const notYet = await createOffer(ctx, url, { caps: { totalConversions: 10 } });
    await ctx.models.CampaignCounter.create({ _id: `${notYet.campaign.id}|total`, campaignId: notYet.campaign.id, day: 'total', conversions: 9, spendCents: 0 });
    expect((await click(url, `/c/${notYet.linkId}`)).location).toMatch(/cid=/);

    const reasons = async (linkId: string) => (await clicksOfLink(ctx, linkId)).map((d) => d.reason);
    await eventually(async () => (await reasons(capped.linkId))[0] === 'cap_reached', 'cap_reached click');
    await eventually(async () => (await reasons(budget.linkId))[0] === 'budget_exhausted', 'budget_exhausted click');

    // The conversion worker announces a reached cap like this; the next click must see it.
    await ctx.models.CampaignCounter.updateOne({ _id: `${notYet.campaign.id}|total` }, { $set: { conversions: 10 } });
    await ctx.redis.publish(ctx.keys.cacheChannel, JSON.stringify({ kind: 'campaign', id: notYet.campaign.id }));
    await eventually(async () => (await click(url, `/c/${notYet.linkId}`)).location === 'https://shop.example.com/', 'cap announcement');
  });

  it('counts a budget that cannot pay for one more conversion as exhausted (counters set directly)', async () => {
    // Revenue 1000 a conversion: 500 left cannot pay for one, 1000 left can.
    const short = await createOffer(ctx, url, { revenueCents: 1000, caps: { totalBudgetCents: 10_000 } });
    await ctx.models.CampaignCounter.create({ _id: `${short.campaign.id}|total`, campaignId: short.campaign.id, day: 'total', conversions: 9, spendCents: 9_500 });
    expect((await click(url, `/c/${short.linkId}`)).location).toBe('https://shop.example.com/');
    const fits = await createOffer(ctx, url, { revenueCents: 1000, caps: { totalBudgetCents: 10_000 } });
    await ctx.models.CampaignCounter.create({ _id: `${fits.campaign.id}|total`, campaignId: fits.campaign.id, day: 'total', conversions: 9, spendCents: 9_000 });
    expect((await click(url, `/c/${fits.linkId}`)).location).toMatch(/cid=/);
    await eventually(async () => (await clicksOfLink(ctx, short.linkId))[0]?.reason === 'budget_exhausted', 'budget_exhausted click');
  });

  it('sends clicks to the fallback once a conversion leaves less budget than the next one costs', async () => {
    const stopWorkers = await startWorkers(ctx, ['conversions']);
    try {
      const offer = await createOffer(ctx, url, { revenueCents: 1000, payoutCents: 700, caps: { dailyBudgetCents: 1_500 } });
      const first = await click(url, `/c/${offer.linkId}`);
      expect(first.location).toMatch(/cid=/);
      await storedClick(ctx, first.clickId!);
      const pb = await fetch(`${url}/api/track/postback?click_id=${first.clickId}&txn_id=b-1&token=${offer.campaign.postbackSecret}`);
      expect(pb.status).toBe(200);
      await eventually(async () => (await ctx.models.Conversion.countDocuments({ campaignId: offer.campaign.id, status: 'approved' })) === 1, 'conversion approved');
      // 500 of 1,500 left: the conversion worker tells the click path, which sends the next visitor to the fallback.
      await eventually(async () => (await click(url, `/c/${offer.linkId}`)).location === 'https://shop.example.com/', 'budget announced as exhausted');
      await eventually(async () => (await clicksOfLink(ctx, offer.linkId)).some((d) => d.reason === 'budget_exhausted' && d.valid === 0), 'click stored as budget_exhausted');
    } finally {
      await stopWorkers();
    }
  });
});

describe('unknown links and deep links', () => {
  it('answers unknown and malformed link ids with a 404 HTML page, and records nothing', async () => {
    const handed = stack.tracking.batcher.stats.clicks;
    for (const path of ['/c/ZZZZZZZZZZ', '/c/abc', '/c/', '/c/abc%20def', '/api/track/click/..%2F..%2Fetc', '/c/aaaaaaaaaa/extra']) {
      const r = await click(url, path);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type')).toContain('text/html');
      expect(r.text).toContain('Link not found');
    }
    const post = await fetch(`${url}/c/ZZZZZZZZZZ`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(stack.tracking.batcher.stats.clicks).toBe(handed);
  });

  it('follows a deep link on the destination’s site when the campaign allows it, keeping the tracking parameters', async () => {
    const offer = await createOffer(ctx, url, { allowDeepLink: true });
    const deep = encodeURIComponent('https://shop.example.com/product/42?color=red');
    const r = await click(url, `/c/${offer.linkId}?url=${deep}&sub1=x`);
    expect(r.status).toBe(302);
    const loc = new URL(r.location!);
    expect(loc.pathname).toBe('/product/42');
    expect(loc.searchParams.get('color')).toBe('red');
    expect(loc.searchParams.get('cid')).toBe(r.clickId);
    expect(loc.searchParams.get('s1')).toBe('x');
    expect((await storedClick(ctx, r.clickId!)).deepLink).toBe(r.location);

    const sub = await click(url, `/c/${offer.linkId}?url=${encodeURIComponent('https://m.shop.example.com/x')}`);
    expect(new URL(sub.location!).hostname).toBe('m.shop.example.com');
  });

  it('ignores deep links to other sites, odd schemes, or when the campaign does not allow them', async () => {
    const allowed = await createOffer(ctx, url, { allowDeepLink: true });
    for (const bad of ['https://evil.example.net/', 'javascript:alert(1)', 'https://shop.example.com.evil.net/', 'https://user:pw@shop.example.com/', 'not a url', '//shop.example.com/x']) {
      const r = await click(url, `/c/${allowed.linkId}?url=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(302);
      expect(r.location, bad).toMatch(/^https:\/\/shop\.example\.com\/landing\?cid=/);
      expect((await storedClick(ctx, r.clickId!)).deepLink).toBeNull();
    }
    const refused = await createOffer(ctx, url, { allowDeepLink: false });
    const r = await click(url, `/c/${refused.linkId}?url=${encodeURIComponent('https://shop.example.com/product/1')}`);
    expect(r.location).toMatch(/^https:\/\/shop\.example\.com\/landing\?cid=/);
  });
});

describe('link cache', () => {
  it('does not reach MongoDB again for a cached link, and remembers unknown ids for a short while', async () => {
    const offer = await createOffer(ctx, url);
    await click(url, `/c/${offer.linkId}`);
    const loads = stack.tracking.cache.stats.loads;
    for (let i = 0; i < 5; i++) await click(url, `/c/${offer.linkId}`);
    expect(stack.tracking.cache.stats.loads).toBe(loads);
    await click(url, '/c/NoSuchLink1');
    const afterUnknown = stack.tracking.cache.stats.loads;
    await click(url, '/c/NoSuchLink1');
    expect(stack.tracking.cache.stats.loads).toBe(afterUnknown);
  });

  it('stores the click under the partition its id names', async () => {
    const offer = await createOffer(ctx, url);
    const r = await click(url, `/c/${offer.linkId}`);
    await storedClick(ctx, r.clickId!);
    expect(await findClick(ctx.db, r.clickId!)).not.toBeNull();
  });
});
