import { describe, expect, it } from 'vitest';
import { conversionRate, earningsPerClick, emptySums, withRatios } from '../../src/domain/metrics';
import {
  canTransitionPayout,
  clickClaimId,
  clickEarningsOf,
  earningIdOfClaim,
  isClickClaim,
  lastPayableDayStart,
  payoutTotals,
  planPayouts,
  payoutCutoff,
  settleableDays,
} from '../../src/domain/payout-plan';
import { diffTallies, formatDifferences } from '../../src/domain/reconcile-diff';
import { assembleSeries, BucketIndex } from '../../src/domain/report-buckets';
import { parseTimeBound } from '../../src/domain/time-bounds';
import { DAY_MS, HOUR_MS, localDayStartOf, localTimeLabel } from '../../src/domain/time-buckets';

describe('report metrics', () => {
  it('computes CR as a 4-decimal fraction and EPC as a decimal string with integer arithmetic', () => {
    expect(conversionRate(3, 40)).toBe(0.075);
    expect(conversionRate(2, 30)).toBe(0.0667);
    expect(conversionRate(1, 0)).toBe(0);
    expect(earningsPerClick(1900, 40, 'USD')).toBe('0.4750');
    expect(earningsPerClick(1, 3, 'USD')).toBe('0.0033');
    expect(earningsPerClick(2, 3, 'USD')).toBe('0.0067');
    expect(earningsPerClick(350, 100, 'USD')).toBe('0.0350');
    expect(earningsPerClick(1234567, 1, 'USD')).toBe('12345.6700');
    expect(earningsPerClick(5, 2, 'JPY')).toBe('2.5000');
    expect(earningsPerClick(12345, 10, 'KWD')).toBe('1.2345');
    expect(earningsPerClick(100, 0, 'USD')).toBe('0.0000');
    expect(earningsPerClick(100, 10, null)).toBe('0.0000');
    // Beyond 2^53 in intermediate products: still exact.
    expect(earningsPerClick(90_000_000_000_000, 7, 'USD')).toBe('128571428571.4286');
  });

  it('derives profit from revenue and payout', () => {
    expect(withRatios({ ...emptySums(), clicks: 10, conversions: 1, revenueCents: 1000, payoutCents: 700 }, 'USD')).toMatchObject({ profitCents: 300, cr: 0.1, epc: '0.7000' });
  });
});

describe('time-zone day buckets from hourly buckets', () => {
  it('puts each UTC hour in its local day, with 23- and 25-hour days at DST changes', () => {
    // US DST starts 2026-03-08 and ends 2026-11-01.
    const spring = new BucketIndex(Date.UTC(2026, 2, 7, 5), Date.UTC(2026, 2, 10, 4), 'day', 'America/New_York');
    expect(spring.buckets.map((b) => new Date(b).toISOString())).toEqual(['2026-03-07T05:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const rows = spring.hours.map((hour) => ({ hour, ...emptySums(), clicks: 1 }));
    expect([...assembleSeries(spring, rows).values()].map((s) => s.clicks)).toEqual([24, 23, 24]);
    const fall = new BucketIndex(Date.UTC(2026, 9, 31, 4), Date.UTC(2026, 10, 2, 5), 'day', 'America/New_York');
    expect([...assembleSeries(fall, fall.hours.map((hour) => ({ hour, ...emptySums(), clicks: 1 }))).values()].map((s) => s.clicks)).toEqual([24, 25]);
  });

  it('starts the first day at its local midnight even when the window starts later', () => {
    const idx = new BucketIndex(Date.UTC(2026, 0, 15, 12), Date.UTC(2026, 0, 16, 12), 'day', 'Asia/Tokyo');
    expect(idx.buckets.map((b) => new Date(b).toISOString())).toEqual(['2026-01-14T15:00:00.000Z', '2026-01-15T15:00:00.000Z']);
    expect(idx.dayLabel(idx.buckets[1]!)).toBe('2026-01-16');
    const hourly = new BucketIndex(Date.UTC(2026, 0, 15, 12), Date.UTC(2026, 0, 15, 15), 'hour', 'Asia/Tokyo');
    expect(hourly.buckets).toEqual([0, 1, 2].map((i) => Date.UTC(2026, 0, 15, 12) + i * HOUR_MS));
  });
});

describe('report bounds', () => {
  it('tells dates, instants and date-times without an offset apart', () => {
    expect(parseTimeBound('2026-03-08')).toEqual({ kind: 'day', day: '2026-03-08' });
    expect(parseTimeBound(' 2026-03-08T05:00:00Z ')).toEqual({ kind: 'instant', ms: Date.UTC(2026, 2, 8, 5) });
    expect(parseTimeBound('2026-03-08T00:00:00.000-05:00')).toEqual({ kind: 'instant', ms: Date.UTC(2026, 2, 8, 5) });
    expect(parseTimeBound('2026-03-08 00:00+0100')).toEqual({ kind: 'instant', ms: Date.UTC(2026, 2, 7, 23) });
    for (const s of ['2026-03-08T00:00:00', '2026-03-08 10:00', '2026-03-08T10:00:00.5']) expect(parseTimeBound(s)).toEqual({ kind: 'no_offset' });
    for (const s of ['2026-02-30', 'yesterday', '2026-03-08T25:00:00Z', '20260308', '']) expect(parseTimeBound(s)).toEqual({ kind: 'invalid' });
  });

  it('finds where a local day starts: DST days, half-hour zones, a midnight that does not exist, a skipped day', () => {
    const at = (day: string, tz: string) => new Date(localDayStartOf(day, tz)).toISOString();
    expect(at('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(at('2026-03-09', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
    expect(at('2026-01-15', 'UTC')).toBe('2026-01-15T00:00:00.000Z');
    expect(at('2026-01-15', 'Pacific/Kiritimati')).toBe('2026-01-14T10:00:00.000Z');
    // Local midnight is 18:30Z: the day's first hour bucket starts at 19:00Z (00:30 local).
    expect(at('2026-01-15', 'Asia/Kolkata')).toBe('2026-01-14T19:00:00.000Z');
    // Chile moves its clocks at midnight: September 6 starts at 01:00 local.
    expect(at('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
    // Samoa skipped 2011-12-30: it starts where December 31 does.
    expect(at('2011-12-30', 'Pacific/Apia')).toBe(at('2011-12-31', 'Pacific/Apia'));
  });

  it('labels hours with their local time and offset, telling apart the two 01:00s of a fall-back day', () => {
    expect([5, 6].map((h) => localTimeLabel(Date.UTC(2026, 10, 1, h), 'America/New_York'))).toEqual(['2026-11-01 01:00 GMT-4', '2026-11-01 01:00 GMT-5']);
  });
});

describe('payout planning', () => {
  it('builds groups at or above the minimum and carries the rest over', () => {
    const plan = planPayouts(
      [
        { affiliateId: 'b', currency: 'USD', amountCents: 5000, count: 5 },
        { affiliateId: 'a', currency: 'EUR', amountCents: 4999, count: 9 },
        { affiliateId: 'a', currency: 'USD', amountCents: 12000, count: 2 },
      ],
      5000,
    );
    expect(plan.build.map((g) => `${g.affiliateId}${g.currency}`)).toEqual(['aUSD', 'bUSD']);
    expect(plan.carryOver.map((g) => `${g.affiliateId}${g.currency}`)).toEqual(['aEUR']);
    expect(payoutCutoff(Date.UTC(2026, 0, 10), 7).toISOString()).toBe('2026-01-03T00:00:00.000Z');
    // A group of click earnings only is paid like one of conversions.
    expect(planPayouts([{ affiliateId: 'c', currency: 'USD', amountCents: 6000, count: 0, clickEarnings: 3 }], 5000).build).toHaveLength(1);
    expect(planPayouts([{ affiliateId: 'c', currency: 'USD', amountCents: 6000, count: 0 }], 5000).build).toHaveLength(0);
  });

  it('pays CPC clicks by whole UTC days that ended by the cutoff and are rolled up clean', () => {
    const d = Date.UTC(2026, 10, 20);
    expect(lastPayableDayStart(new Date(d + DAY_MS))).toBe(d);
    expect(lastPayableDayStart(new Date(d + DAY_MS - 1))).toBe(d - DAY_MS);
    const clean = new Set(Array.from({ length: 48 }, (_, i) => d - DAY_MS + i * HOUR_MS));
    clean.delete(d + 23 * HOUR_MS);
    expect(settleableDays([d - DAY_MS, d], clean)).toEqual({ settle: [d - DAY_MS], waiting: [d] });
  });

  it('sums hourly rows with CPC payout into click earnings per day × campaign × affiliate × currency', () => {
    const d = Date.UTC(2026, 10, 20);
    const row = (hour: number, over: Record<string, unknown> = {}) => ({ hour, campaignId: 'k', affiliateId: 'a', advertiserId: 'v', currency: 'USD', uniqueClicks: 10, cpcPayoutCents: 250, cpcRevenueCents: 400, ...over });
    const earnings = clickEarningsOf([
      row(d + HOUR_MS),
      row(d + 23 * HOUR_MS),
      row(d + DAY_MS),
      row(d + 2 * HOUR_MS, { uniqueClicks: 7, cpcPayoutCents: 0, cpcRevenueCents: 0 }), // a CPA campaign's unique clicks
      row(d + 2 * HOUR_MS, { currency: 'EUR', uniqueClicks: 1, cpcPayoutCents: 20, cpcRevenueCents: 30 }),
    ]);
    expect(earnings.map((e) => [e._id, e.clicks, e.payoutCents, e.revenueCents, e.dayStart.getTime()])).toEqual([
      ['2026-11-20|k|a|EUR', 1, 20, 30, d],
      ['2026-11-20|k|a|USD', 20, 500, 800, d],
      ['2026-11-21|k|a|USD', 10, 250, 400, d + DAY_MS],
    ]);
    // Claim ids of click earnings never look like conversion ids (24 hex digits).
    expect(clickClaimId('2026-11-20|k|a|USD')).toBe('clicks|2026-11-20|k|a|USD');
    expect(isClickClaim('6b0ee27846b3ec743c7a4b5a')).toBe(false);
    expect(earningIdOfClaim(clickClaimId('x|y'))).toBe('x|y');
  });

  it('totals a payout of conversions and clicks lines', () => {
    const at = (ms: number) => new Date(ms);
    expect(
      payoutTotals([
        { kind: 'conversion', claimId: 'c1', campaignId: 'k', amountCents: 700, at: at(5000) },
        { kind: 'clicks', claimId: 'clicks|x', campaignId: 'k', amountCents: 2500, at: at(1000), day: '1970-01-01', clicks: 100 },
        { kind: 'clicks', claimId: 'clicks|y', campaignId: 'k', amountCents: 25, at: at(9000), day: '1970-01-01', clicks: 1 },
      ]),
    ).toEqual({ amountCents: 3225, conversionCount: 1, clickEarningCount: 2, clickCount: 101, clickAmountCents: 2525, periodStart: at(1000), periodEnd: at(9000) });
  });

  it('allows pending_approval → approved → paid, and rejection before payment', () => {
    expect(canTransitionPayout('approve', 'pending_approval')).toBe(true);
    expect(canTransitionPayout('approve', 'approved')).toBe(false);
    expect(canTransitionPayout('markPaid', 'approved')).toBe(true);
    expect(canTransitionPayout('markPaid', 'pending_approval')).toBe(false);
    expect(canTransitionPayout('reject', 'approved')).toBe(true);
    expect(canTransitionPayout('reject', 'paid')).toBe(false);
    expect(canTransitionPayout('reject', 'rejected')).toBe(false);
  });
});

describe('reconciliation diffs', () => {
  it('compares tallies key by key with missing keys as zeros, and prints a table', () => {
    const diffs = diffTallies('hourly', new Map([['h1|c', { clicks: 3 }], ['h2|c', { clicks: 1 }]]), new Map([['h1|c', { clicks: 3 }], ['h3|c', { clicks: 2 }]]), ['clicks']);
    expect(diffs).toEqual([
      { kind: 'hourly', key: 'h2|c', field: 'clicks', expected: 1, actual: 0 },
      { kind: 'hourly', key: 'h3|c', field: 'clicks', expected: 0, actual: 2 },
    ]);
    expect(formatDifferences(diffs).split('\n')).toEqual(['kind    key   field   expected  actual', '------  ----  ------  --------  ------', 'hourly  h2|c  clicks  1         0', 'hourly  h3|c  clicks  0         2']);
    expect(formatDifferences([])).toBe('no differences');
  });
});
