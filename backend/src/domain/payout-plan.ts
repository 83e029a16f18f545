import { dayStart, HOUR_MS } from './time-buckets';

/**
 * Payout runs: which approved conversions and settled click earnings become
 * payouts now and which wait. Pure rules; the payout run applies them to the
 * database.
 */
export const DAY_MS = 86_400_000;

/** Conversions converted at or before this instant are past the hold period. */
export function payoutCutoff(nowMs: number, holdDays: number): Date {
  return new Date(nowMs - holdDays * DAY_MS);
}

export interface EligibleGroup {
  affiliateId: string;
  currency: string;
  amountCents: number;
  /** Conversions. */
  count: number;
  /** Settled click earnings (one per day × campaign); absent means none. */
  clickEarnings?: number;
}

export interface PayoutPlan {
  build: EligibleGroup[];
  /** Groups whose total is below the minimum: left unclaimed for a later run. */
  carryOver: EligibleGroup[];
}

/** Splits affiliate × currency groups by the minimum payout; stable order (affiliate, currency). */
export function planPayouts(groups: EligibleGroup[], minCents: number): PayoutPlan {
  const sorted = [...groups].sort((a, b) => a.affiliateId.localeCompare(b.affiliateId) || a.currency.localeCompare(b.currency));
  const build: EligibleGroup[] = [];
  const carryOver: EligibleGroup[] = [];
  for (const g of sorted) {
    if (g.count + (g.clickEarnings ?? 0) > 0 && g.amountCents > 0 && g.amountCents >= minCents) build.push(g);
    else carryOver.push(g);
  }
  return { build, carryOver };
}

export const PAYOUT_TRANSITIONS = {
  approve: { from: ['pending_approval'], to: 'approved' },
  reject: { from: ['pending_approval', 'approved'], to: 'rejected' },
  markPaid: { from: ['approved'], to: 'paid' },
} as const;

export type PayoutAction = keyof typeof PAYOUT_TRANSITIONS;

export function canTransitionPayout(action: PayoutAction, from: string): boolean {
  return (PAYOUT_TRANSITIONS[action].from as readonly string[]).includes(from);
}

/* ---------- CPC click earnings ---------- */

/** `2026-11-20`: the UTC day of an instant, as click earnings name it. */
export const isoDay = (ms: number): string => new Date(dayStart(ms)).toISOString().slice(0, 10);

/**
 * Start of the last UTC day that ends at or before the cutoff: CPC clicks are
 * paid by whole days, and a day is past the hold period only once all of it is.
 */
export function lastPayableDayStart(cutoff: Date | number): number {
  return dayStart(typeof cutoff === 'number' ? cutoff : cutoff.getTime()) - DAY_MS;
}

/** Day starts from `fromMs`'s day through `toDayStart`, oldest first. */
export function dayStartsThrough(fromMs: number, toDayStart: number): number[] {
  const out: number[] = [];
  for (let d = dayStart(fromMs); d <= toDayStart; d += DAY_MS) out.push(d);
  return out;
}

/**
 * Which of the days waiting to be settled can be now: every one of their 24
 * hours is rolled up after it ended and not dirty (`cleanHours`), so the
 * hourly rows hold every click of the day. The others wait for the rollup.
 */
export function settleableDays(pending: number[], cleanHours: ReadonlySet<number>): { settle: number[]; waiting: number[] } {
  const settle: number[] = [];
  const waiting: number[] = [];
  for (const d of pending) {
    let clean = true;
    for (let h = d; h < d + DAY_MS && clean; h += HOUR_MS) clean = cleanHours.has(h);
    (clean ? settle : waiting).push(d);
  }
  return { settle, waiting };
}

/**
 * A settled click earning's id: day × campaign × affiliate, and the currency,
 * because money is never added across currencies (a CPC campaign without
 * conversions may change its currency).
 */
export const clickEarningId = (day: string, campaignId: string, affiliateId: string, currency: string) => `${day}|${campaignId}|${affiliateId}|${currency}`;

/**
 * The key of a click earning in `payout_claims`, whose other keys are
 * conversion ids (24 hex digits): the prefix keeps the two apart.
 */
export const CLICK_CLAIM_PREFIX = 'clicks|';
export const clickClaimId = (earningId: string) => `${CLICK_CLAIM_PREFIX}${earningId}`;
export const isClickClaim = (claimId: string) => claimId.startsWith(CLICK_CLAIM_PREFIX);
export const earningIdOfClaim = (claimId: string) => claimId.slice(CLICK_CLAIM_PREFIX.length);

/** An hourly rollup row as settling reads it. */
export interface CpcHourRow {
  hour: Date | number;
  campaignId: string;
  affiliateId: string;
  advertiserId: string;
  currency: string;
  uniqueClicks: number;
  cpcPayoutCents: number;
  cpcRevenueCents: number;
}

export interface ClickEarningValues {
  _id: string;
  day: string;
  dayStart: Date;
  campaignId: string;
  affiliateId: string;
  advertiserId: string;
  currency: string;
  /** The paid clicks: unique valid clicks of the rows that carry CPC value. */
  clicks: number;
  payoutCents: number;
  revenueCents: number;
}

/**
 * Sums hourly rows into click earnings, one per UTC day × campaign × affiliate
 * × currency. Only rows with CPC payout count: other rows' unique clicks were
 * not paid (CPA campaigns, a zero payout override).
 */
export function clickEarningsOf(rows: Iterable<CpcHourRow>): ClickEarningValues[] {
  const out = new Map<string, ClickEarningValues>();
  for (const r of rows) {
    if (!(r.cpcPayoutCents > 0)) continue;
    const hour = typeof r.hour === 'number' ? r.hour : r.hour.getTime();
    const day = isoDay(hour);
    const id = clickEarningId(day, r.campaignId, r.affiliateId, r.currency);
    let e = out.get(id);
    if (!e) {
      e = { _id: id, day, dayStart: new Date(dayStart(hour)), campaignId: r.campaignId, affiliateId: r.affiliateId, advertiserId: r.advertiserId, currency: r.currency, clicks: 0, payoutCents: 0, revenueCents: 0 };
      out.set(id, e);
    }
    e.clicks += r.uniqueClicks;
    e.payoutCents += r.cpcPayoutCents;
    e.revenueCents += r.cpcRevenueCents;
  }
  return [...out.values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}

/* ---------- What a payout holds ---------- */

/** One thing a payout pays: an approved conversion or a settled click earning. */
export type PayableItem =
  | { kind: 'conversion'; claimId: string; campaignId: string; amountCents: number; at: Date }
  | { kind: 'clicks'; claimId: string; campaignId: string; amountCents: number; at: Date; day: string; clicks: number };

export interface PayoutTotals {
  amountCents: number;
  conversionCount: number;
  clickEarningCount: number;
  clickCount: number;
  clickAmountCents: number;
  periodStart: Date | null;
  periodEnd: Date | null;
}

/** Lines in time order (a click earning at the start of its day), claim id as tiebreak. */
export function sortPayable<T extends PayableItem>(items: T[]): T[] {
  return [...items].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0));
}

export function payoutTotals(items: PayableItem[]): PayoutTotals {
  const t: PayoutTotals = { amountCents: 0, conversionCount: 0, clickEarningCount: 0, clickCount: 0, clickAmountCents: 0, periodStart: null, periodEnd: null };
  for (const i of items) {
    t.amountCents += i.amountCents;
    if (i.kind === 'clicks') {
      t.clickEarningCount += 1;
      t.clickCount += i.clicks;
      t.clickAmountCents += i.amountCents;
    } else t.conversionCount += 1;
    if (!t.periodStart || i.at < t.periodStart) t.periodStart = i.at;
    if (!t.periodEnd || i.at > t.periodEnd) t.periodEnd = i.at;
  }
  return t;
}
