import type { ClickDoc } from '@offerly/backend/db/raw-events';
import { statusFlags } from '@offerly/backend/domain/attribution';
import { newClickId } from '@offerly/backend/domain/click-id';
import { DAY_MS, dayKey, HOUR_MS, hourStart } from '@offerly/backend/domain/time-buckets';
import type { AnalyticsVolume } from './options';

/** Deterministic generator (LCG), so every run gets the same traffic. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface CampaignRef {
  _id: string;
  currency: string;
  advertiserId: string;
}

/** A conversion document as the worker stores it (the fields the rollups and reports read). */
export type ConversionSeed = Record<string, unknown> & { _id: string; clickId: string };

export const CONVERSION_RATE = 0.02;

/**
 * Affiliate traffic over `days` whole days ending at `endMs` (an hour start):
 * each day, `activeAffiliatesPerDay` affiliates send the day's clicks, each on
 * its own campaign within `hoursPerAffiliate` hours of the day; about 2 % of
 * valid clicks convert within the hour. Affiliates are bursty like that in
 * practice, and it is what decides how much the hourly rollup compresses.
 */
export function generateTraffic(
  v: AnalyticsVolume,
  endMs: number,
  campaigns: CampaignRef[],
  affiliates: string[],
  newId: () => string,
  seed = 42,
): { clicks: ClickDoc[]; conversions: ConversionSeed[] } {
  const rand = rng(seed);
  const start = endMs - v.days * DAY_MS;
  const clicks: ClickDoc[] = [];
  const conversions: ConversionSeed[] = [];
  const perAffiliate = Math.max(1, Math.round(v.clicksPerDay / v.activeAffiliatesPerDay));
  for (let d = 0; d < v.days; d++) {
    const dayStart = start + d * DAY_MS;
    const pool = [...affiliates];
    for (let k = 0; k < v.activeAffiliatesPerDay; k++) {
      const j = k + Math.floor(rand() * (pool.length - k));
      [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      const a = pool[k]!;
      const ai = affiliates.indexOf(a);
      const c = campaigns[ai % campaigns.length]!;
      const hours = Array.from({ length: v.hoursPerAffiliate }, () => Math.floor(rand() * 24));
      for (let n = 0; n < perAffiliate; n++) {
        const ts = Math.min(endMs - 1, dayStart + hours[Math.floor(rand() * hours.length)]! * HOUR_MS + Math.floor(rand() * HOUR_MS));
        const id = newClickId(ts);
        const invalid = rand() < 0.05 ? 1 : 0;
        const sub1 = `placement-${(ai + (rand() < 0.5 ? 0 : 1)) % 4}`;
        clicks.push({
          _id: id, ts: new Date(ts), hour: new Date(hourStart(ts)), linkId: 'L', campaignId: c._id, affiliateId: a, advertiserId: c.advertiserId,
          unique: rand() < 0.8 ? 1 : 0, valid: invalid ? 0 : 1, invalid, reason: invalid ? 'bot' : null, sub1, sub2: null, sub3: null, sub4: null, sub5: null,
          visitor: id.slice(12), ua: 'bench', country: null, referer: null, deepLink: null, revenueCents: 0, payoutCents: 0, currency: c.currency,
        });
        if (!invalid && rand() < CONVERSION_RATE) {
          const at = Math.min(endMs - 1, ts + Math.floor(rand() * HOUR_MS));
          const status = (['approved', 'approved', 'pending', 'rejected'] as const)[Math.floor(rand() * 4)]!;
          const f = statusFlags(status);
          conversions.push({
            _id: newId(), clickId: id, linkId: 'L', campaignId: c._id, affiliateId: a, advertiserId: c.advertiserId, txnId: id, clickKey: id, status, reason: null, suspectedFraud: false, ...f,
            currency: c.currency, saleAmountCents: null, revenueCents: 1000, payoutCents: 700, revApprovedCents: f.approved * 1000, revPendingCents: f.pending * 1000,
            payApprovedCents: f.approved * 700, payPendingCents: f.pending * 700, capHeld: true, capDay: dayKey(at),
            clickedAt: new Date(ts), convertedAt: new Date(at), hour: new Date(hourStart(at)), approvedAt: null, sub1, sub2: null, sub3: null, sub4: null, sub5: null,
            payoutId: null, history: [], createdAt: new Date(at), updatedAt: new Date(at),
          });
        }
      }
    }
  }
  return { clicks, conversions };
}
