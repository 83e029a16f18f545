import { z } from 'zod';
import { ApiError } from '../domain/errors';
import { GRANULARITIES, type Granularity } from '../domain/report-buckets';
import { parseTimeBound } from '../domain/time-bounds';
import { DAY_MS, HOUR_MS, hourStart, isValidTimeZone, localDayStart, localDayStartOf } from '../domain/time-buckets';

export const MAX_RANGE_DAYS = 400;
export const MAX_HOURLY_RANGE_DAYS = 31;
const DEFAULT_RANGE_DAYS = 7;

const id = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/**
 * A window bound: an instant (UTC ms), or a calendar day read in the report's
 * time zone once that is known (midnight there).
 */
export type TimeBound = number | { day: string };

/** `2026-11-25` (a day in `tz`) or a date-time with its UTC offset; see parseTimeBound. */
const timeBound = z.string().transform((s, c): TimeBound => {
  const b = parseTimeBound(s);
  if (b.kind === 'day') return { day: b.day };
  if (b.kind === 'instant') return b.ms;
  c.addIssue({
    code: 'custom',
    message:
      b.kind === 'no_offset'
        ? 'a date-time needs its UTC offset, e.g. 2026-11-25T10:00:00Z or 2026-11-25T10:00:00-05:00 (a date alone, 2026-11-25, means midnight in tz)'
        : 'must be a date (2026-11-25, midnight in tz) or a date-time with its UTC offset (2026-11-25T10:00:00Z)',
  });
  return z.NEVER;
});

export const reportQueryFields = {
  from: timeBound.optional(),
  to: timeBound.optional(),
  granularity: z.enum(GRANULARITIES).default('day'),
  tz: z.string().trim().max(64).refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' }).default('UTC'),
  format: z.enum(['json', 'csv']).default('json'),
};

export const campaignReportQuery = z.object({ ...reportQueryFields, groupBy: z.enum(['affiliate', 'sub1']).optional() }).strict();
export const affiliateReportQuery = z.object({ ...reportQueryFields, affiliateId: id.optional(), campaignId: id.optional() }).strict();
export const overviewReportQuery = z.object({ ...reportQueryFields, limit: z.coerce.number().int().min(1).max(100).default(10) }).strict();

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
