import { describe, expect, it } from 'vitest';
import { clickRatios, storedCheck, type ScenarioResult } from '../src/click';
import { parseBenchArgs, SUITES } from '../src/options';
import { intakeConsistent } from '../src/postbacks';
import { readsSummary, summarizeReads } from '../src/reads';
import { firstItemId, lastDaysQuery, presetQuery, READ_ROLES, readPlan } from '../src/reads-plan';
import { failedChecks, missingFigures, REQUIRED_FIGURES, valueAt } from '../src/report';
import { clickIdFromLocation, latencySummary, percentile, ratio, round, summarizeLoad, type LoadResultLike } from '../src/stats';
import { generateTraffic } from '../src/traffic';

const loadResult = (over: Partial<LoadResultLike> = {}): LoadResultLike => ({
  duration: 10,
  connections: 50,
  requests: { total: 12_345, average: 1234.5 },
  latency: { p50: 2, p99: 9, max: 40, average: 2.346 },
  errors: 0,
  timeouts: 0,
  '2xx': 0,
  '3xx': 12_345,
  '4xx': 0,
  '5xx': 0,
  ...over,
});

const run = (rps: number, p99: number, connections = 50) => ({ ...summarizeLoad(loadResult({ requests: { total: rps * 10, average: rps }, latency: { p50: 1, p99, max: p99 * 2, average: 1 }, connections, '3xx': rps * 10 })), targetRate: null });
const scenario = (rps: number, p99: number): ScenarioResult => ({ saturation: run(rps, p99), fixedRate: run(2000, p99) });

describe('percentile', () => {
  it('uses the nearest rank on unsorted samples', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
  });

  it('is null without samples and refuses percentiles outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('does not reorder the caller’s samples', () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('ratio and round', () => {
  it('divides and rounds to three decimals', () => {
    expect(ratio(14_197, 35_805)).toBe(0.397);
    expect(ratio(10, 4)).toBe(2.5);
  });

  it('is null when a side is missing or the divisor is zero', () => {
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(2, undefined)).toBeNull();
    expect(ratio(2, 0)).toBeNull();
  });

  it('keeps null and non-finite values out of the report', () => {
    expect(round(null)).toBeNull();
    expect(round(Number.POSITIVE_INFINITY)).toBeNull();
    expect(round(1.23456, 1)).toBe(1.2);
  });
});

describe('summarizeLoad', () => {
  it('reports completed requests over wall time and the latency percentiles', () => {
    const s = summarizeLoad(loadResult());
    expect(s.requestsPerSec).toBe(1235);
    expect(s.latencyMs).toEqual({ p50: 2, p99: 9, max: 40, mean: 2.35 });
    expect(s.responses['3xx']).toBe(12_345);
  });

  it('does not divide by a zero duration', () => {
    expect(summarizeLoad(loadResult({ duration: 0 })).requestsPerSec).toBe(0);
  });
});

describe('latencySummary', () => {
  it('gives p50, p99, max and the sample count', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latencySummary(xs)).toEqual({ p50Ms: 50, p99Ms: 99, maxMs: 100, samples: 100 });
    expect(latencySummary([])).toEqual({ p50Ms: null, p99Ms: null, maxMs: null, samples: 0 });
  });
});

describe('clickIdFromLocation', () => {
  it('reads the click id Offerly put in the destination', () => {
    expect(clickIdFromLocation('https://example.com/?c=0193abcd&s=bench')).toBe('0193abcd');
    expect(clickIdFromLocation('https://example.com/')).toBeNull();
    expect(clickIdFromLocation('not a url')).toBeNull();
    expect(clickIdFromLocation(null)).toBeNull();
  });
});

describe('click ratios and the stored check', () => {
  it('compares Offerly with the ceiling and the naive design', () => {
    const r = clickRatios(scenario(30_000, 5), scenario(12_000, 10), scenario(600, 1000));
    expect(r.offerlyToCeiling).toBe(0.4);
    expect(r.offerlyToNaive).toBe(20);
    expect(r.offerlyToCeilingP99AtFixedRate).toBe(2);
    expect(r.offerlyToNaiveP99AtFixedRate).toBe(0.01);
  });

  it('accepts up to one uncounted answer per connection per run, and no loss', () => {
    const runs = [run(100, 1, 10), run(1000, 1, 50)];
    const counted = 100 * 10 + 1000 * 10 + 7;
    expect(storedCheck(runs, 7, counted)).toMatchObject({ redirects: counted, uncountedAtStopMax: 60, consistent: true });
    expect(storedCheck(runs, 7, counted + 60).consistent).toBe(true);
    expect(storedCheck(runs, 7, counted + 61).consistent).toBe(false);
    expect(storedCheck(runs, 7, counted - 1).consistent).toBe(false);
  });
});

describe('postback intake check', () => {
  const summary = (over: Partial<LoadResultLike> = {}) => summarizeLoad(loadResult({ requests: { total: 5000, average: 2500 }, '2xx': 5000, '3xx': 0, duration: 2, ...over }));

  it('holds when every answer was a 2xx and the queue has each answered postback, plus at most one per connection', () => {
    expect(summary().requestsPerSec).toBe(2500);
    expect(intakeConsistent(summary(), 5000)).toBe(true);
    expect(intakeConsistent(summary(), 5050)).toBe(true);
  });

  it('fails on answers that were not queued, more queued than could be in flight, refusals, errors or no requests', () => {
    expect(intakeConsistent(summary(), 4999)).toBe(false);
    expect(intakeConsistent(summary(), 5051)).toBe(false);
    expect(intakeConsistent(summary({ '2xx': 4990, '4xx': 10 }), 4990)).toBe(false);
    expect(intakeConsistent(summary({ errors: 1 }), 5000)).toBe(false);
    expect(intakeConsistent(summary({ requests: { total: 0, average: 0 }, '2xx': 0 }), 0)).toBe(false);
  });
});

describe('options', () => {
  it('defaults to every suite at full volume (90 days × 1,000 affiliates)', () => {
    const o = parseBenchArgs([], new Date('2026-11-25T10:00:00Z'));
    expect(o.only).toEqual([...SUITES]);
    expect(o).toMatchObject({ quick: false, durationS: 10, connections: 50, fixedRate: 2000, out: 'reports/bench-2026-11-25T10-00-00-000Z.json' });
    expect(o.analytics).toMatchObject({ days: 90, affiliates: 1000 });
    expect(o.reads).toEqual({ days: 30, clicks: 1_000_000, tenX: false, repeats: 5, timeoutMs: 120_000 });
  });

  it('scales the reads suite’s seeded history, 10× its conversions, and shrinks it in quick mode', () => {
    const o = parseBenchArgs(['--only', 'reads', '--reads-days', '10', '--reads-clicks', '200000', '--reads-10x', '--reads-repeats', '3', '--reads-timeout', '30']);
    expect(o.only).toEqual(['reads']);
    expect(o.reads).toEqual({ days: 10, clicks: 200_000, tenX: true, repeats: 3, timeoutMs: 30_000 });
    expect(parseBenchArgs(['--quick']).reads).toMatchObject({ days: 3, clicks: 20_000, tenX: false });
    expect(() => parseBenchArgs(['--reads-clicks', '0'])).toThrow(/--reads-clicks/);
    expect(() => parseBenchArgs(['--reads-days', 'x'])).toThrow(/--reads-days/);
  });

  it('has a quick mode and takes suites comma-separated or repeated', () => {
    const o = parseBenchArgs(['--quick', '--only', 'click,analytics', '--only', 'click', '--duration', '5']);
    expect(o.only).toEqual(['click', 'analytics']);
    expect(o.durationS).toBe(5);
    expect(o.analytics.days).toBeLessThan(90);
  });

  it('refuses unknown suites, options and bad numbers', () => {
    expect(() => parseBenchArgs(['--only', 'clicks'])).toThrow(/--only/);
    expect(() => parseBenchArgs(['--duration', '0'])).toThrow(/--duration/);
    expect(() => parseBenchArgs(['--connections', '1.5'])).toThrow(/--connections/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow();
    expect(() => parseBenchArgs(['--affiliates', '10', '--active-per-day', '11'])).toThrow(/active-per-day/);
  });
});

describe('report shape', () => {
  const complete = {
    click: {
      ceiling: scenario(30_000, 5),
      offerly: { ...scenario(12_000, 10), stored: { redirects: 1, stored: 1, uncountedAtStopMax: 0, consistent: true } },
      naive: scenario(600, 1000),
      ratios: { offerlyToCeiling: 0.4, offerlyToNaive: 20, offerlyToCeilingP99AtFixedRate: 2, offerlyToNaiveP99AtFixedRate: 0.01 },
      lag: { storedP50Ms: 10, storedP99Ms: 50, storedMaxMs: 60, liveP50Ms: 11, liveP99Ms: 51, liveMaxMs: 61, samples: 300, missing: 0, rate: 50, pollIntervalMs: 5 },
    },
    postbacks: { postbacks: 2000, intake: { requestsPerSec: 3000, consistent: true }, drain: { processedPerSec: 400, approved: 1000, capReached: 1000, dailyCap: 1000 } },
    analytics: {
      volume: { clicks: 180_000 },
      campaignReport: { rawMs: 9000, rollupMs: 300, rawToRollup: 30, equalTotals: true, equalSeries: true },
      overviewReport: { rawToRollup: 10, equalTotals: true, equalSeries: true },
    },
    reads: {
      volume: { clicks: 1_000_000, conversions: 30_000 },
      campaignReport90d: { admin: { p95Ms: 80 }, advertiser: { p95Ms: 90 } },
      maxP95Ms: 250,
      allOk: true,
    },
  };

  it('finds every required figure in a complete report', () => {
    expect(missingFigures(complete as never, SUITES)).toEqual([]);
    expect(failedChecks(complete as never)).toEqual([]);
  });

  it('names the figures a run could not produce, only for the suites that ran', () => {
    const partial = { ...complete, click: { error: 'worker died' }, analytics: { ...complete.analytics, overviewReport: { rawToRollup: null } } };
    const missing = missingFigures(partial as never, ['click', 'analytics']);
    expect(missing).toEqual([...REQUIRED_FIGURES.click, 'analytics.overviewReport.rawToRollup']);
    expect(missingFigures(partial as never, ['postback'])).toEqual([]);
  });

  it('flags lost clicks and analytics answers that differ', () => {
    const bad = {
      click: { ...complete.click, naive: { ...complete.click.naive, stored: { consistent: false } } },
      analytics: { ...complete.analytics, campaignReport: { ...complete.analytics.campaignReport, equalTotals: false } },
    };
    expect(failedChecks(bad as never)).toEqual(['click.naive.stored.consistent', 'analytics.campaignReport.equalTotals']);
  });

  it('flags postbacks answered but not queued, and a drain whose cap did not split them in halves', () => {
    const intake = { ...complete, postbacks: { ...complete.postbacks, intake: { requestsPerSec: 3000, consistent: false } } };
    expect(failedChecks(intake as never)).toEqual(['postbacks.intake.consistent']);
    const overCap = { ...complete, postbacks: { ...complete.postbacks, drain: { ...complete.postbacks.drain, approved: 1001, capReached: 999 } } };
    expect(failedChecks(overCap as never)).toEqual(['postbacks.drain.approved', 'postbacks.drain.capReached']);
    const lost = { ...complete, postbacks: { ...complete.postbacks, drain: { ...complete.postbacks.drain, capReached: 990 } } };
    expect(failedChecks(lost as never)).toEqual(['postbacks.drain.capReached']);
    // An odd count: the cap admits the smaller half.
    const odd = { ...complete, postbacks: { postbacks: 201, intake: { consistent: true }, drain: { approved: 100, capReached: 101, dailyCap: 100 } } };
    expect(failedChecks(odd as never)).toEqual([]);
    // A suite that failed has no figures to check (its error is reported as missing figures instead).
    expect(failedChecks({ ...complete, postbacks: { error: 'worker died' } } as never)).toEqual([]);
  });

  it('flags dashboard reads that timed out or answered an error', () => {
    expect(failedChecks({ ...complete, reads: { ...complete.reads, allOk: false } } as never)).toEqual(['reads.allOk']);
  });

  it('reads dotted paths without throwing on missing parts', () => {
    expect(valueAt({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(valueAt({ a: null }, 'a.b')).toBeUndefined();
  });
});

describe('analytics traffic', () => {
  it('spreads the configured clicks over the days, active affiliates and their hours', () => {
    let n = 0;
    const newId = () => (n++).toString(16).padStart(24, '0');
    const endMs = Date.UTC(2026, 10, 25, 10);
    const campaigns = [{ _id: 'c0', currency: 'USD', advertiserId: 'adv' }, { _id: 'c1', currency: 'EUR', advertiserId: 'adv' }];
    const affiliates = Array.from({ length: 30 }, (_, i) => `a${i}`);
    const v = { days: 5, affiliates: 30, campaigns: 2, clicksPerDay: 100, activeAffiliatesPerDay: 10, hoursPerAffiliate: 2 };
    const { clicks, conversions } = generateTraffic(v, endMs, campaigns, affiliates, newId);
    expect(clicks).toHaveLength(5 * 100);
    expect(new Set(clicks.map((c) => c._id)).size).toBe(clicks.length);
    for (const c of clicks) {
      expect(c.ts.getTime()).toBeGreaterThanOrEqual(endMs - 5 * 86_400_000);
      expect(c.ts.getTime()).toBeLessThan(endMs);
      expect(c.hour.getTime()).toBe(Math.floor(c.ts.getTime() / 3_600_000) * 3_600_000);
      expect(c.valid + c.invalid).toBe(1);
    }
    // An active affiliate sends its day's clicks in at most `hoursPerAffiliate` hours, on one campaign.
    const perAffDay = new Map<string, { hours: Set<number>; campaigns: Set<string> }>();
    for (const c of clicks) {
      const k = `${c.affiliateId}|${Math.floor((c.ts.getTime() - (endMs - 5 * 86_400_000)) / 86_400_000)}`;
      const e = perAffDay.get(k) ?? { hours: new Set(), campaigns: new Set() };
      e.hours.add(c.hour.getTime());
      e.campaigns.add(c.campaignId);
      perAffDay.set(k, e);
    }
    for (const e of perAffDay.values()) {
      expect(e.hours.size).toBeLessThanOrEqual(2);
      expect(e.campaigns.size).toBe(1);
    }
    for (const conv of conversions) expect(clicks.some((c) => c._id === conv.clickId && c.valid === 1)).toBe(true);
    // Same seed, same traffic shape.
    const again = generateTraffic(v, endMs, campaigns, affiliates, newId);
    expect(again.clicks.map((c) => c.affiliateId)).toEqual(clicks.map((c) => c.affiliateId));
  });
});

describe('reads suite', () => {
  const answer = (ms: number, status: number | null = 200) => ({ ms, status, bytes: 10, body: null, ...(status === null ? { error: 'timed out after 120000 ms' } : {}) });

  it('reports the cold call and nearest-rank p50/p95 over every call, cold included', () => {
    const t = summarizeReads('/overview', ['/api/x'], [answer(900.4), answer(40), answer(60), answer(50), answer(45)]);
    expect(t).toMatchObject({ coldMs: 900, p50Ms: 50, p95Ms: 900, samplesMs: [900, 40, 60, 50, 45], statuses: [200, 200, 200, 200, 200], requests: 1 });
    expect(summarizeReads('/p', ['/a', '/b'], [answer(120_001, null)])).toMatchObject({ coldMs: 120_001, p95Ms: 120_001, statuses: [null], error: 'timed out after 120000 ms', requests: 2 });
  });

  it('finds the slowest read and whether every call answered 2xx, ignoring skipped ones', () => {
    const ok = summarizeReads('/a', ['/a'], [answer(10), answer(20)]);
    const slow = summarizeReads('/b', ['/b'], [answer(300), answer(200)]);
    const endpoints = { admin: { a: ok, skippedOne: { page: '/c', skipped: 'empty' } }, advertiser: { b: slow }, affiliate: {} };
    expect(readsSummary(endpoints)).toEqual({ maxP95Ms: 300, maxP95Endpoint: 'advertiser.b', slowest: ['advertiser.b 300 ms', 'admin.a 20 ms'], allOk: true });
    const failed = summarizeReads('/c', ['/c'], [answer(10, 500)]);
    expect(readsSummary({ ...endpoints, affiliate: { c: failed } }).allOk).toBe(false);
  });

  it('plans every role’s dashboard reads with the pages’ default queries and the date picker’s ranges', () => {
    const now = Date.UTC(2026, 11, 1, 15, 30);
    const plan = readPlan({ campaignId: 'c'.repeat(24), affiliateId: 'a'.repeat(24), offerId: 'c'.repeat(24) }, now);
    for (const role of READ_ROLES) {
      const keys = plan.filter((c) => c.role === role).map((c) => c.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toContain('me');
    }
    const path = (role: string, key: string, answers = new Map<string, unknown>()) => plan.find((c) => c.role === role && c.key === key)!.paths(answers);
    expect(path('admin', 'campaignReport90d')![0]).toBe(`/api/analytics/campaign/${'c'.repeat(24)}?from=2026-09-03T00%3A00%3A00.000Z&to=2026-12-02T00%3A00%3A00.000Z&granularity=day&tz=UTC&groupBy=affiliate`);
    expect(path('advertiser', 'campaignReport90d')).toEqual(path('admin', 'campaignReport90d'));
    expect(path('affiliate', 'conversions')![0]).toBe('/api/conversions?page=1&sort=convertedAt&order=desc&limit=25');
    // Reads that open a row of an earlier answer wait for it, and are skipped when it is empty.
    expect(path('admin', 'payout')).toBeNull();
    expect(path('admin', 'payout', new Map([['payouts', { items: [{ id: 'p1' }] }]]))).toEqual(['/api/payouts/p1?page=1&sort=convertedAt&order=asc&limit=50']);
    expect(path('advertiser', 'campaignsLiveToday', new Map([['campaigns', { items: [{ id: 'x' }, { id: 'y' }] }]]))).toEqual(['/api/live?scope=campaign&id=x', '/api/live?scope=campaign&id=y']);
  });

  it('turns date-picker presets into the UTC instants the dashboard sends', () => {
    const now = Date.UTC(2026, 11, 1, 3);
    expect(presetQuery('7d', 'UTC', now)).toEqual({ from: '2026-11-25T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z', granularity: 'day', tz: 'UTC' });
    // 03:00 UTC on Dec 1 is still Nov 30 in New York (UTC-5).
    expect(presetQuery('today', 'America/New_York', now)).toEqual({ from: '2026-11-30T05:00:00.000Z', to: '2026-12-01T05:00:00.000Z', granularity: 'hour', tz: 'America/New_York' });
    expect(lastDaysQuery(90, 'UTC', now).from).toBe('2026-09-03T00:00:00.000Z');
    expect(firstItemId({ items: [] })).toBeNull();
  });
});
