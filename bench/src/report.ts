import type { AnalyticsResult } from './analytics';
import type { ClickResult } from './click';
import type { BenchOptions, Suite } from './options';
import type { PostbackResult } from './postbacks';
import type { ReadsResult } from './reads';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  mongo: string;
  mongoVersion: string | null;
  redis: string;
  redisVersion: string | null;
  loadavgAtStart: number[];
  loadavgAtEnd: number[];
}

export type SuiteOutcome<T> = T | { error: string };

export interface BenchReport {
  machine: MachineInfo;
  when: string;
  durationS: number;
  config: Omit<BenchOptions, 'out'>;
  click?: SuiteOutcome<ClickResult>;
  postbacks?: SuiteOutcome<PostbackResult>;
  analytics?: SuiteOutcome<AnalyticsResult>;
  reads?: SuiteOutcome<ReadsResult>;
  /** Figures the brief asks for that this run could not produce (empty when complete). */
  missing: string[];
}

/** The headline figures each suite must produce, as dotted paths into the report. */
export const REQUIRED_FIGURES: Record<Suite, string[]> = {
  click: [
    'click.ceiling.saturation.requestsPerSec',
    'click.offerly.saturation.requestsPerSec',
    'click.naive.saturation.requestsPerSec',
    ...['ceiling', 'offerly', 'naive'].flatMap((s) => ['p50', 'p99', 'max'].map((p) => `click.${s}.fixedRate.latencyMs.${p}`)),
    'click.ratios.offerlyToCeiling',
    'click.ratios.offerlyToNaive',
    'click.lag.storedP50Ms',
    'click.lag.storedP99Ms',
    'click.lag.liveP50Ms',
    'click.lag.liveP99Ms',
  ],
  postback: ['postbacks.intake.requestsPerSec', 'postbacks.drain.processedPerSec'],
  analytics: [
    'analytics.campaignReport.rawMs',
    'analytics.campaignReport.rollupMs',
    'analytics.campaignReport.rawToRollup',
    'analytics.overviewReport.rawToRollup',
    'analytics.volume.clicks',
  ],
  reads: ['reads.maxP95Ms', 'reads.volume.clicks', 'reads.volume.conversions', 'reads.campaignReport90d.admin.p95Ms', 'reads.campaignReport90d.advertiser.p95Ms'],
};

export function valueAt(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const k of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Required figures of the suites that ran which are absent or not a finite number. */
export function missingFigures(report: Pick<BenchReport, 'click' | 'postbacks' | 'analytics' | 'reads'>, suites: readonly Suite[]): string[] {
  const out: string[] = [];
  for (const s of suites) {
    for (const path of REQUIRED_FIGURES[s]) {
      const v = valueAt(report, path);
      if (typeof v !== 'number' || !Number.isFinite(v)) out.push(path);
    }
  }
  return out;
}

/**
 * Checks that say a run is trustworthy beyond its figures: stored = redirected,
 * every postback answered was queued, the drain's daily cap split the
 * postbacks into approved and cap-reached halves, raw = rolled up, every
 * dashboard read answered 2xx within its timeout.
 */
export function failedChecks(report: Pick<BenchReport, 'click' | 'postbacks' | 'analytics' | 'reads'>): string[] {
  const out: string[] = [];
  for (const s of ['offerly', 'naive']) {
    if (valueAt(report, `click.${s}.stored.consistent`) === false) out.push(`click.${s}.stored.consistent`);
  }
  if (valueAt(report, 'postbacks.intake.consistent') === false) out.push('postbacks.intake.consistent');
  const n = valueAt(report, 'postbacks.postbacks');
  const cap = valueAt(report, 'postbacks.drain.dailyCap');
  if (typeof n === 'number' && typeof cap === 'number') {
    // The cap admits `cap` postbacks of the day; every other one is refused as cap_reached.
    if (valueAt(report, 'postbacks.drain.approved') !== cap) out.push('postbacks.drain.approved');
    if (valueAt(report, 'postbacks.drain.capReached') !== n - cap) out.push('postbacks.drain.capReached');
  }
  for (const r of ['campaignReport', 'overviewReport']) {
    if (valueAt(report, `analytics.${r}.equalTotals`) === false) out.push(`analytics.${r}.equalTotals`);
    if (valueAt(report, `analytics.${r}.equalSeries`) === false) out.push(`analytics.${r}.equalSeries`);
  }
  // A read that timed out or answered an error was not measured.
  if (valueAt(report, 'reads.allOk') === false) out.push('reads.allOk');
  return out;
}
