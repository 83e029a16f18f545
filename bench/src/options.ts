import { parseArgs } from 'node:util';

export const SUITES = ['click', 'postback', 'analytics', 'reads'] as const;
export type Suite = (typeof SUITES)[number];

export interface AnalyticsVolume {
  days: number;
  affiliates: number;
  campaigns: number;
  /** Clicks generated per UTC day over the whole platform. */
  clicksPerDay: number;
  /** Affiliates sending traffic on a given day; each sends its day's clicks in `hoursPerAffiliate` hours of one campaign. */
  activeAffiliatesPerDay: number;
  hoursPerAffiliate: number;
}

/** The reads suite: the seed's demo history, then every dashboard read of each role. */
export interface ReadsOptions {
  days: number;
  clicks: number;
  /** Ten times the seed's conversion rate (same clicks, ~10× the conversions and postbacks). */
  tenX: boolean;
  /** Calls of each read (the first is the cold one). */
  repeats: number;
  /** Per request; a call that takes longer is recorded as timed out and not repeated. */
  timeoutMs: number;
}

export interface BenchOptions {
  only: Suite[];
  quick: boolean;
  out: string;
  /** Seconds of each saturation and fixed-rate run. */
  durationS: number;
  connections: number;
  /** Requests per second of the fixed-rate run. */
  fixedRate: number;
  lagSamples: number;
  /** Clicks per second while sampling the end-to-end lag. */
  lagRate: number;
  postbacks: number;
  /** Postbacks the drain's worker processes at once; undefined: the worker's default (WORKER_CONVERSION_CONCURRENCY). */
  postbackConcurrency: number | undefined;
  analytics: AnalyticsVolume;
  reads: ReadsOptions;
}

export const USAGE = `npm run bench [-- options]
  --only click,postback,analytics,reads
                                    suites to run (default all; repeatable)
  --quick                           smoke run with small volumes (~1 minute)
  --duration S                      seconds per load run (default 10, quick 2)
  --connections N                   autocannon connections at saturation (default 50)
  --rate R                          fixed rate in req/s (default 2000)
  --lag-samples N --lag-rate R      end-to-end lag sample (default 300 clicks at 50/s)
  --postbacks N                     postbacks in the postback suite (default 2000)
  --postback-concurrency N          the drain's worker concurrency (default the worker's, 64)
  --days D --affiliates A --campaigns C --clicks-per-day N --active-per-day N --hours-per-affiliate H
                                    analytics volume (default 90 days, 1000 affiliates, 20 campaigns,
                                    500 clicks/day from 50 active affiliates, 2 hours each)
  --reads-days D --reads-clicks N   reads suite: the seed's history (default the seed's own: 30 days,
                                    1,000,000 clicks; quick 3 days, 20,000 clicks)
  --reads-10x                       reads suite: 10× the seed's conversion rate (same clicks)
  --reads-repeats N                 reads suite: calls of each read (default 5; the first is the cold one)
  --reads-timeout S                 reads suite: seconds per request before it counts as timed out (default 120)
  --out FILE                        JSON file (default reports/bench-<timestamp>.json)`;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Parses the command line; throws with a readable message on bad input. */
export function parseBenchArgs(argv: string[], now = new Date()): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      'lag-samples': { type: 'string' },
      'lag-rate': { type: 'string' },
      postbacks: { type: 'string' },
      'postback-concurrency': { type: 'string' },
      days: { type: 'string' },
      affiliates: { type: 'string' },
      campaigns: { type: 'string' },
      'clicks-per-day': { type: 'string' },
      'active-per-day': { type: 'string' },
      'hours-per-affiliate': { type: 'string' },
      'reads-days': { type: 'string' },
      'reads-clicks': { type: 'string' },
      'reads-10x': { type: 'boolean', default: false },
      'reads-repeats': { type: 'string' },
      'reads-timeout': { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const only = (values.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const s of only) if (!(SUITES as readonly string[]).includes(s)) throw new Error(`--only takes ${SUITES.join(', ')}; got "${s}"`);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const analytics: AnalyticsVolume = {
    days: positiveInt('days', values.days, quick ? 7 : 90),
    affiliates: positiveInt('affiliates', values.affiliates, quick ? 100 : 1000),
    campaigns: positiveInt('campaigns', values.campaigns, quick ? 5 : 20),
    clicksPerDay: positiveInt('clicks-per-day', values['clicks-per-day'], quick ? 200 : 500),
    activeAffiliatesPerDay: positiveInt('active-per-day', values['active-per-day'], quick ? 20 : 50),
    hoursPerAffiliate: positiveInt('hours-per-affiliate', values['hours-per-affiliate'], 2),
  };
  if (analytics.activeAffiliatesPerDay > analytics.affiliates) throw new Error('--active-per-day cannot exceed --affiliates');
  if (analytics.hoursPerAffiliate > 24) throw new Error('--hours-per-affiliate cannot exceed 24');
  return {
    only: only.length ? [...new Set(only)] as Suite[] : [...SUITES],
    quick,
    out: values.out ?? `reports/bench-${stamp}.json`,
    durationS: positiveInt('duration', values.duration, quick ? 2 : 10),
    connections: positiveInt('connections', values.connections, 50),
    fixedRate: positiveInt('rate', values.rate, 2000),
    lagSamples: positiveInt('lag-samples', values['lag-samples'], quick ? 50 : 300),
    lagRate: positiveInt('lag-rate', values['lag-rate'], 50),
    postbacks: positiveInt('postbacks', values.postbacks, quick ? 200 : 2000),
    postbackConcurrency: values['postback-concurrency'] === undefined ? undefined : positiveInt('postback-concurrency', values['postback-concurrency'], 64),
    analytics,
    reads: {
      days: positiveInt('reads-days', values['reads-days'], quick ? 3 : 30),
      clicks: positiveInt('reads-clicks', values['reads-clicks'], quick ? 20_000 : 1_000_000),
      tenX: values['reads-10x'] ?? false,
      repeats: positiveInt('reads-repeats', values['reads-repeats'], 5),
      timeoutMs: positiveInt('reads-timeout', values['reads-timeout'], 120) * 1000,
    },
  };
}
