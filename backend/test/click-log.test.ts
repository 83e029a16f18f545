import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { approvedAdvertiser, approvedAffiliate } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { click, createOffer, eventually, startTrackingStack, storedClick, type Offer, type TrackingStack } from './helpers/tracking';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

let ctx: AppContext;
let stack: TrackingStack;
let offer: Offer;
const ids: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', TRUST_PROXY: 'true', ANALYTICS_RAW_CACHE_MS: '0' });
  stack = await startTrackingStack(ctx);
  offer = await createOffer(ctx, stack.api.url);
  // Oldest first: a valid click from the UK on an iPhone, a bot, a HEAD probe, a valid desktop click from a private address.
  const sent = [
    await click(stack.api.url, `/c/${offer.linkId}?sub1=a&sub2=b`, { 'x-forwarded-for': '81.2.69.142', 'user-agent': IPHONE }),
    await click(stack.api.url, `/c/${offer.linkId}`, { 'x-forwarded-for': '8.8.8.8', 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }),
    await click(stack.api.url, `/c/${offer.linkId}`, { 'x-forwarded-for': '8.8.4.4' }, 'HEAD'),
    await click(stack.api.url, `/c/${offer.linkId}?sub3=c`, { 'x-forwarded-for': '10.0.0.8' }),
  ];
  for (const s of sent) {
    ids.push(s.clickId!);
    await storedClick(ctx, s.clickId!);
  }
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

const newestFirst = () => [...ids].reverse();

describe('click log', () => {
  it('shows the advertiser its campaign’s clicks newest first, classified, with why invalid ones are', async () => {
    const r = await eventually(async () => {
      const res = await offer.advertiser.client.get(`/api/analytics/campaign/${offer.campaign.id}/clicks`);
      return res.status === 200 && res.body.items.length === 4 ? res : undefined;
    }, 'four clicks in the log');
    expect(r.body.items.map((i: { id: string }) => i.id)).toEqual(newestFirst());
    expect(r.body.nextCursor).toBeNull();
    const [desktop, head, bot, phone] = r.body.items;
    expect(phone).toMatchObject({ linkId: offer.linkId, affiliateId: offer.affiliate.id, sub1: 'a', sub2: 'b', country: 'GB', device: 'mobile', os: 'iOS', browser: 'Safari', valid: true, unique: true, reason: null });
    expect(bot).toMatchObject({ country: 'US', device: 'bot', valid: false, unique: false, reason: 'bot' });
    expect(head).toMatchObject({ valid: false, reason: 'head_request' });
    expect(desktop).toMatchObject({ sub3: 'c', country: 'ZZ', device: 'desktop', os: 'Linux', browser: 'Chrome', valid: true });
  });

  it('pages with the cursor, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await offer.advertiser.client.get(`/api/analytics/campaign/${offer.campaign.id}/clicks?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(newestFirst());
  });

  it('shows the affiliate its own clicks, and admins any affiliate’s', async () => {
    const own = await offer.affiliate.client.get('/api/analytics/affiliate/clicks');
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: { id: string }) => i.id)).toEqual(newestFirst());
    expect(own.body.items[1]).toMatchObject({ reason: 'head_request' });
    const byAdmin = await offer.admin.client.get(`/api/analytics/affiliate/clicks?affiliateId=${offer.affiliate.id}&limit=2`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.items.map((i: { id: string }) => i.id)).toEqual(newestFirst().slice(0, 2));
    expect(byAdmin.body.nextCursor).toBe(newestFirst()[1]);
    const campaignByAdmin = await offer.admin.client.get(`/api/analytics/campaign/${offer.campaign.id}/clicks?limit=1`);
    expect(campaignByAdmin.body.items.map((i: { id: string }) => i.id)).toEqual(newestFirst().slice(0, 1));
  });

  it('refuses other advertisers’ campaigns, other affiliates’ logs, admins without an affiliate and bad cursors', async () => {
    const otherAdv = await approvedAdvertiser(stack.api.url, offer.admin.client, 'Other');
    expect((await otherAdv.client.get(`/api/analytics/campaign/${offer.campaign.id}/clicks`)).status).toBe(404);
    const otherAff = await approvedAffiliate(stack.api.url, offer.admin.client, 'Other affiliate');
    expect((await otherAff.client.get(`/api/analytics/affiliate/clicks?affiliateId=${offer.affiliate.id}`)).status).toBe(403);
    const empty = await otherAff.client.get('/api/analytics/affiliate/clicks');
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);
    expect((await offer.admin.client.get('/api/analytics/affiliate/clicks')).status).toBe(400);
    expect((await offer.affiliate.client.get(`/api/analytics/campaign/${offer.campaign.id}/clicks`)).status).toBe(403);
    expect((await offer.advertiser.client.get('/api/analytics/affiliate/clicks')).status).toBe(403);
    expect((await offer.advertiser.client.get(`/api/analytics/campaign/${offer.campaign.id}/clicks?cursor=zz`)).status).toBe(400);
    expect((await offer.advertiser.client.get(`/api/analytics/campaign/${offer.campaign.id}/clicks?limit=101`)).status).toBe(400);
  });
});
