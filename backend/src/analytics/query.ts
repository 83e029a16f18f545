import { MAX_HOURLY_RANGE_DAYS, MAX_RANGE_DAYS, type TimeBound } from '@offerly/contract';
import { ApiError } from '../domain/errors';
import type { Granularity } from '../domain/report-buckets';
import { DAY_MS, HOUR_MS, hourStart, localDayStart, localDayStartOf } from '../domain/time-buckets';

const DEFAULT_RANGE_DAYS = 7;

export interface ReportWindow {
  fromMs: number;
  toMs: number;
  granularity: Granularity;
  tz: string;
}

/** A bound in UTC ms: a day means its start in tz. */
export function resolveBound(b: TimeBound, tz: string): number {
  return typeof b === 'number' ? b : localDayStartOf(b.day, tz);
}

/**
 * The report window: whole hours, `to` exclusive (rounded up). A date-only
 * `from` or `to` is the start of that day in tz, so `from=2026-03-08&to=2026-03-09`
 * is all of March 8 there (23 hours in New York). Without `from` the last
 * 7 days, starting at a local midnight for day reports.
 */
export function reportWindow(q: { from?: TimeBound | undefined; to?: TimeBound | undefined; granularity: Granularity; tz: string }, nowMs: number): ReportWindow {
  const ceilHour = (ms: number) => (hourStart(ms) === ms ? ms : hourStart(ms) + HOUR_MS);
  const toMs = ceilHour(q.to !== undefined ? resolveBound(q.to, q.tz) : nowMs);
  let fromMs: number;
  if (q.from !== undefined) fromMs = hourStart(resolveBound(q.from, q.tz));
  else {
    fromMs = toMs - DEFAULT_RANGE_DAYS * DAY_MS;
    if (q.granularity === 'day') fromMs = localDayStart(fromMs, q.tz);
  }
  const problems: Array<{ path: string; message: string }> = [];
  if (toMs <= fromMs) problems.push({ path: 'to', message: 'must be after from' });
  else if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) problems.push({ path: 'from', message: `the range may span at most ${MAX_RANGE_DAYS} days` });
  else if (q.granularity === 'hour' && toMs - fromMs > MAX_HOURLY_RANGE_DAYS * DAY_MS) {
    problems.push({ path: 'granularity', message: `hourly reports may span at most ${MAX_HOURLY_RANGE_DAYS} days; use granularity=day` });
  }
  if (problems.length) throw new ApiError('validation_failed', 'Invalid report range', problems);
  return { fromMs, toMs, granularity: q.granularity, tz: q.tz };
}
