import type { AppContext } from '../../backend/src/context';
import type { ConversionStatus } from '../../backend/src/domain/attribution';
import { liveConversionDelta } from '../../backend/src/domain/conversion-money';
import { dayStart, hourStart, minuteStart } from '../../backend/src/domain/time-buckets';
import { recordLiveOnce, type LiveDelta, type LiveEvent } from '../../backend/src/realtime/live-counters';

/**
 * The live counters (Redis) of the seeded events a dashboard shows: today's
 * totals and the last 60 minutes. The worker counts events as it stores them;
 * seeded events are written straight to MongoDB, so the seed counts them
 * itself, through the live module (its keys, fields and expiry).
 */

// A re-run may count again only events of today or of the last hour, so a marker needs to outlive one day.
const MARK_TTL_S = 2 * 86_400;

/** Where the live window of `nowMs` begins: today's start, or 59 minutes back when that is earlier (just after midnight). */
export function liveWindowStart(nowMs: number): number {
  return Math.min(dayStart(nowMs), minuteStart(nowMs) - 59 * 60_000);
}

/**
 * Seeded events in the live window, summed per minute, campaign, affiliate
 * and currency (one LiveEvent each, so a day of clicks stays a few thousand
 * events). Clicks count from the window start, conversions from today's
 * start, as the worker and the conversion effects count them.
 */
export class LiveTally {
  private readonly sums = new Map<string, LiveEvent>();
  readonly fromMs: number;
  readonly conversionsFromMs: number;

  constructor(nowMs: number) {
    this.fromMs = liveWindowStart(nowMs);
    this.conversionsFromMs = dayStart(nowMs);
  }

  private add(at: number, campaignId: string, affiliateId: string, currency: string, delta: Partial<LiveDelta>): void {
    const minute = minuteStart(at);
    const k = `${minute}|${campaignId}|${affiliateId}|${currency}`;
    let e = this.sums.get(k);
    if (!e) this.sums.set(k, (e = { at: minute, campaignId, affiliateId, currency, delta: {} }));
    for (const [f, n] of Object.entries(delta) as Array<[keyof LiveDelta, number]>) e.delta[f] = (e.delta[f] ?? 0) + n;
  }

  click(c: { ts: Date; campaignId: string; affiliateId: string; currency: string; unique: number; invalid: number; revenueCents: number; payoutCents: number }): void {
    if (c.ts.getTime() < this.fromMs) return;
    this.add(c.ts.getTime(), c.campaignId, c.affiliateId, c.currency, { clicks: 1, uniqueClicks: c.unique, invalidClicks: c.invalid, revenueCents: c.revenueCents, payoutCents: c.payoutCents });
  }

  conversion(c: { convertedAt: Date; campaignId: string; affiliateId: string; currency: string; status: ConversionStatus; revenueCents: number; payoutCents: number }): void {
    if (c.convertedAt.getTime() < this.conversionsFromMs) return;
    const delta = liveConversionDelta(null, c.status, c.revenueCents, c.payoutCents);
    if (delta.conversions !== 0) this.add(c.convertedAt.getTime(), c.campaignId, c.affiliateId, c.currency, delta);
  }

  events(): LiveEvent[] {
    return [...this.sums.values()].sort((a, b) => a.at - b.at);
  }
}

/**
 * Adds the tallied events to the live counters, one hour of events at a
 * time, each hour at most once (a marker set in the same script as the
 * increments), so a re-run or a resumed run never counts them twice and
 * traffic counted meanwhile by a running worker is kept.
 */
export async function rebuildLiveCounters(ctx: AppContext, events: LiveEvent[]): Promise<{ hours: number; alreadyCounted: number; clicks: number; conversions: number }> {
  const byHour = new Map<number, LiveEvent[]>();
  for (const e of events) {
    const h = hourStart(e.at);
    const list = byHour.get(h) ?? [];
    list.push(e);
    byHour.set(h, list);
  }
  const out = { hours: 0, alreadyCounted: 0, clicks: 0, conversions: 0 };
  for (const [hour, list] of byHour) {
    const applied = await recordLiveOnce({ redis: ctx.redis, keys: ctx.keys }, `${ctx.keys.prefix}:seed-live:${new Date(hour).toISOString()}`, MARK_TTL_S, list);
    if (!applied) {
      out.alreadyCounted += 1;
      continue;
    }
    out.hours += 1;
    for (const e of list) {
      out.clicks += e.delta.clicks ?? 0;
      out.conversions += e.delta.conversions ?? 0;
    }
  }
  return out;
}
