import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { dayKey } from '../src/domain/time-buckets';
import { createLiveEmitter, readLive, recordLive } from '../src/realtime/live-counters';
import { createTestContext, destroyTestContext } from './helpers/context';

let ctx: AppContext;
beforeAll(async () => { ctx = await createTestContext(); });
afterAll(async () => { await destroyTestContext(ctx); });

describe('live counters', () => {
  it('counts per minute and per day for the platform, the campaign and the affiliate, money per currency', async () => {
    const now = Date.UTC(2026, 10, 25, 12, 30, 15);
    await recordLive(ctx, [
      { at: now - 60_000, campaignId: 'c1', affiliateId: 'a1', currency: 'USD', delta: { clicks: 3, uniqueClicks: 2, invalidClicks: 1 } },
      { at: now, campaignId: 'c1', affiliateId: 'a1', currency: 'USD', delta: { conversions: 1, revenueCents: 1000, payoutCents: 700 } },
      { at: now, campaignId: 'c2', affiliateId: 'a1', currency: 'EUR', delta: { clicks: 1, uniqueClicks: 1 } },
      { at: now, campaignId: 'c2', affiliateId: 'a1', currency: 'EUR', delta: { conversions: 1, revenueCents: 500, payoutCents: 400 } },
    ]);
    const camp = await readLive(ctx.redis, ctx.keys, 'campaign', 'c1', now);
    expect(camp.minutes).toHaveLength(60);
    expect(camp.minutes.at(-1)).toMatchObject({ t: new Date(Date.UTC(2026, 10, 25, 12, 30)).toISOString(), conversions: 1, money: { USD: { revenueCents: 1000, payoutCents: 700 } } });
    expect(camp.minutes.at(-2)).toMatchObject({ clicks: 3, uniqueClicks: 2, invalidClicks: 1, conversions: 0 });
    expect(camp.today).toMatchObject({ clicks: 3, conversions: 1 });
    const aff = await readLive(ctx.redis, ctx.keys, 'affiliate', 'a1', now);
    // The affiliate's own scope keeps its earnings only, never what the advertiser pays.
    expect(aff.today).toEqual({ clicks: 4, uniqueClicks: 3, invalidClicks: 1, conversions: 2, money: { USD: { payoutCents: 700 }, EUR: { payoutCents: 400 } } });
    expect(await ctx.redis.hkeys(ctx.keys.live('affiliate', 'a1', `d:${dayKey(now)}`))).not.toContain('r:USD');
    const platform = await readLive(ctx.redis, ctx.keys, 'platform', 'all', now);
    expect(platform.today).toMatchObject({ clicks: 4, money: { USD: { revenueCents: 1000, payoutCents: 700 }, EUR: { revenueCents: 500, payoutCents: 400 } } });
    const other = await readLive(ctx.redis, ctx.keys, 'campaign', 'c3', now);
    expect(other.today).toEqual({ clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, money: {} });
  });

  it('survives a failed live update publish (the emitter does not leave a rejected promise behind)', async () => {
    const gone = ctx.redis.duplicate();
    gone.on('error', () => {});
    await gone.quit();
    const emitter = createLiveEmitter(gone, ctx.keys);
    await recordLive({ redis: ctx.redis, keys: ctx.keys, emitter }, [{ at: Date.now(), campaignId: 'c9', affiliateId: 'a9', currency: 'USD', delta: { clicks: 1 } }]);
    await new Promise((r) => setTimeout(r, 50)); // an unhandled rejection would surface here and fail the run
    expect((await readLive(ctx.redis, ctx.keys, 'campaign', 'c9')).today.clicks).toBe(1);
  });
});
