import { z } from 'zod';
import { ApiError } from '../domain/errors';
import { GRANULARITIES, type Granularity } from '../domain/report-buckets';
import { DAY_MS, HOUR_MS, hourStart, isValidTimeZone, localDayStart } from '../domain/time-buckets';

export const MAX_RANGE_DAYS = 400;
export const MAX_HOURLY_RANGE_DAYS = 31;
const DEFAULT_RANGE_DAYS = 7;

const id = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');
const instant = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date or date-time, e.g. 2026-11-25 or 2026-11-25T10:00:00Z',
  })
  .transform((s) => Date.parse(s));

export const reportQueryFields = {
  from: instant.optional(),
  to: instant.optional(),
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

/**
 * The report window: whole hours, `to` exclusive (rounded up). Without `from`
 * the last 7 days, starting at a local midnight for day reports.
 */
export function reportWindow(q: { from?: number | undefined; to?: number | undefined; granularity: Granularity; tz: string }, nowMs: number): ReportWindow {
  const ceilHour = (ms: number) => (hourStart(ms) === ms ? ms : hourStart(ms) + HOUR_MS);
  const toMs = ceilHour(q.to ?? nowMs);
  let fromMs: number;
  if (q.from !== undefined) fromMs = hourStart(q.from);
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
