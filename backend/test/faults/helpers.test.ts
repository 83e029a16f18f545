import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { PLATFORM_ID, readLive, recordLive } from '../../src/realtime/live-counters';
import { createTestContext, destroyTestContext } from '../helpers/context';
import { liveClicksSince } from './helpers';

let ctx: AppContext;
beforeAll(async () => { ctx = await createTestContext(); });
afterAll(async () => { await destroyTestContext(ctx); });

describe('liveClicksSince (the live check of the fault tests)', () => {
  it('counts the clicks of a test that runs across UTC midnight on both days, per minute and per day', async () => {
    const midnight = Date.UTC(2026, 10, 26);
    const startedAt = midnight - 90_000;
    const click = (at: number) => ({ at, campaignId: 'c1', affiliateId: 'a1', currency: 'USD', delta: { clicks: 1 } });
    await recordLive({ redis: ctx.redis, keys: ctx.keys }, [click(midnight - 80_000), click(midnight - 10_000), click(midnight + 5_000), click(midnight + 65_000)]);
    // A click of the day before the test and one after its end are not its own.
    await recordLive({ redis: ctx.redis, keys: ctx.keys }, [click(startedAt - 3_600_000), click(midnight + 10 * 60_000)]);
    const now = midnight + 2 * 60_000;

    // "Today" alone misses the clicks made before midnight.
    expect((await readLive(ctx.redis, ctx.keys, 'platform', PLATFORM_ID, now)).today.clicks).toBe(3);
    const live = await liveClicksSince(ctx, startedAt, now);
    expect(live.byMinute).toBe(4);
    expect(live.byDay).toBe(4 + 1 + 1); // both whole days, with the two clicks outside the test
  });

  it('reads one day and the minutes since the start when the test stays within a day', async () => {
    const start = Date.UTC(2026, 10, 20, 12, 0, 30);
    await recordLive({ redis: ctx.redis, keys: ctx.keys }, [0, 40_000, 100_000].map((d) => ({ at: start + d, campaignId: 'c1', affiliateId: 'a1', currency: 'USD', delta: { clicks: 1 } })));
    expect(await liveClicksSince(ctx, start, start + 3 * 60_000)).toEqual({ byMinute: 3, byDay: 3 });
  });
});
