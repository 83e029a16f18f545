import { z } from 'zod';
import { Currency, Instant, MinorUnits, ObjectId } from './common';

/**
 * The additive counters of a stats bucket. Everything a report shows is a sum
 * of these, so hourly rows add up to days, campaigns and totals exactly.
 */
export interface MetricSums {
  clicks: number;
  uniqueClicks: number;
  invalidClicks: number;
  /** Approved + pending (rejected conversions earn nothing). */
  conversions: number;
  approvedConversions: number;
  pendingConversions: number;
  rejectedConversions: number;
  /** Approved + pending conversions plus CPC click values. */
  revenueCents: number;
  payoutCents: number;
}

/** The counters in their stored order (report documents keep them as vectors in this order). */
export const METRIC_FIELDS = [
  'clicks',
  'uniqueClicks',
  'invalidClicks',
  'conversions',
  'approvedConversions',
  'pendingConversions',
  'rejectedConversions',
  'revenueCents',
  'payoutCents',
] as const satisfies ReadonlyArray<keyof MetricSums>;

export const MONEY_FIELDS = ['revenueCents', 'payoutCents'] as const satisfies ReadonlyArray<keyof MetricSums>;

/** The counters with the figures derived from them. */
export interface Metrics extends MetricSums {
  profitCents: number;
  /** conversions ÷ clicks, rounded to 4 decimals. */
  cr: number;
  /** Payout (affiliate earnings) per click in major units, 4 decimals, e.g. "0.0350". */
  epc: string;
}

export const GRANULARITIES = ['hour', 'day'] as const;
export const Granularity = z.enum(GRANULARITIES).meta({ id: 'ReportGranularity', description: 'One series point per hour, or per calendar day in `tz`' });
export type Granularity = z.infer<typeof Granularity>;

/** The widest report window, and the widest one with hourly points. */
export const MAX_RANGE_DAYS = 400;
export const MAX_HOURLY_RANGE_DAYS = 31;

// ---- Report queries -------------------------------------------------------

/**
 * A time-range bound as typed by a person or a client: a calendar day
 * (`2026-11-25`, whose midnight depends on the zone it is read in), an instant
 * (`2026-11-25T10:00:00Z`, `…-05:00`), a date-time without its offset
 * (refused: it would be read in the server's zone, which the caller cannot
 * know), or something else.
 */
export type ParsedBound = { kind: 'day'; day: string } | { kind: 'instant'; ms: number } | { kind: 'no_offset' } | { kind: 'invalid' };

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/i;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function parseTimeBound(input: string): ParsedBound {
  const s = input.trim();
  const m = DATE_ONLY.exec(s);
  if (m) {
    const real = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === s;
    return real ? { kind: 'day', day: s } : { kind: 'invalid' };
  }
  if (WITH_OFFSET.test(s)) {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? { kind: 'invalid' } : { kind: 'instant', ms };
  }
  return LOCAL_DATE_TIME.test(s) ? { kind: 'no_offset' } : { kind: 'invalid' };
}

/** Whether the runtime knows a time zone by this name (IANA, e.g. Europe/Paris). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A window bound: an instant (UTC ms), or a calendar day read in the report's
 * time zone once that is known (midnight there).
 */
export type TimeBound = number | { day: string };

const ReportBound = z
  .string()
  .transform((s, c): TimeBound => {
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
  })
  .meta({ description: 'A day (`2026-11-25`: midnight in `tz`) or a date-time with its UTC offset (`2026-11-25T10:00:00Z`)', example: '2026-11-25' });

export const REPORT_FORMATS = ['json', 'csv'] as const;

/** Window and form of every report; the window is whole hours, `to` exclusive (rounded up). */
export const reportQueryFields = {
  from: ReportBound.optional().meta({ description: 'Start of the window; without it the 7 days before `to` (from a local midnight for day reports)' }),
  to: ReportBound.optional().meta({ description: 'End of the window, exclusive; now when left out' }),
  granularity: Granularity.default('day'),
  tz: z
    .string()
    .trim()
    .max(64)
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' })
    .default('UTC')
    .meta({ description: 'Time zone of day buckets and of date-only bounds', example: 'Europe/Paris' }),
  format: z.enum(REPORT_FORMATS).default('json').meta({ description: '`csv`: the same report as a CSV file (one header for every report, a `section` column per row)' }),
};

/** What a click was classified by at the redirect, and the sub IDs beyond sub1: the breakdowns both campaign and affiliate reports offer. */
export const BREAKDOWN_DIMENSIONS = ['country', 'device', 'os', 'browser', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/**
 * A breakdown by one of BREAKDOWN_DIMENSIONS lists at most this many values
 * (most conversions, then clicks, first); the rest are summed in one row keyed
 * OTHER_MEMBER_KEY. Each UTC day of the rollup keeps as many, so sub IDs of
 * free text stay bounded.
 */
export const BREAKDOWN_MEMBER_LIMIT = 50;
/** The key of the row summing the values beyond the limit: a control character no tracked value contains (they are stripped at the redirect). */
export const OTHER_MEMBER_KEY = '\u001fother';

const dimensionText =
  '`country` (ISO 3166-1 alpha-2, `ZZ` unknown), `device` (desktop, mobile, tablet, tv, bot, unknown), `os`, `browser`, `sub2`…`sub5`: ' +
  `at most ${BREAKDOWN_MEMBER_LIMIT} values, the rest summed in one row (key \`\\u001fother\`, label \`(other)\`)`;

export const CampaignReportQuery = z.strictObject({
  ...reportQueryFields,
  groupBy: z
    .enum(['affiliate', 'sub1', ...BREAKDOWN_DIMENSIONS])
    .optional()
    .meta({ description: `Adds \`breakdown\`: one row per affiliate, per sub1 value, or per value of ${dimensionText}` }),
});
export type CampaignReportQuery = z.input<typeof CampaignReportQuery>;

export const AffiliateReportQuery = z.strictObject({
  ...reportQueryFields,
  affiliateId: ObjectId.optional().meta({ description: 'Required for admins; affiliates may only name themselves' }),
  campaignId: ObjectId.optional().meta({ description: 'Only this campaign (the breakdown by campaign is then its one row)' }),
  groupBy: z
    .enum(['campaign', ...BREAKDOWN_DIMENSIONS])
    .default('campaign')
    .meta({ description: `What \`breakdown\` has one row per: campaign, or a value of ${dimensionText}` }),
});
export type AffiliateReportQuery = z.input<typeof AffiliateReportQuery>;

export const OverviewReportQuery = z.strictObject({
  ...reportQueryFields,
  limit: z.coerce.number().int().min(1).max(100).default(10).meta({ description: 'How many top campaigns and affiliates' }),
});
export type OverviewReportQuery = z.input<typeof OverviewReportQuery>;

// ---- Report responses -----------------------------------------------------

const count = (description?: string) => (description ? z.number().int().meta({ description }) : z.number().int());
const hiddenForAffiliates = 'null in an affiliate’s own report: what the advertiser pays stays hidden';

/** The figures of a report row. Money is in the row's `currency` (0 where a row mixes currencies). */
const reportMetricsShape = {
  clicks: count(),
  uniqueClicks: count(),
  invalidClicks: count('Clicks counted as invalid (bots, paused campaigns, inactive accounts, caps); included in `clicks`'),
  conversions: count('Approved + pending'),
  approvedConversions: count(),
  pendingConversions: count(),
  rejectedConversions: count(),
  revenueCents: MinorUnits.nullable().meta({ description: `What the advertiser pays (approved + pending conversions and CPC clicks); ${hiddenForAffiliates}` }),
  payoutCents: MinorUnits.meta({ description: 'What the affiliates earn' }),
  profitCents: MinorUnits.nullable().meta({ description: `Revenue minus payout; ${hiddenForAffiliates}` }),
  cr: z.number().meta({ description: 'Conversion rate: conversions ÷ clicks, 4 decimals', example: 0.0125 }),
  epc: z.string().meta({ description: 'Earnings (payout) per click in major units, 4 decimals; "0.0000" where money is mixed', example: '0.0350' }),
};

export const ReportMetrics = z.strictObject(reportMetricsShape).meta({ id: 'ReportMetrics' });
export type ReportMetrics = z.infer<typeof ReportMetrics>;

export const ReportSeriesPoint = z.strictObject({ t: Instant.meta({ description: 'Start of the bucket' }), ...reportMetricsShape }).meta({ id: 'ReportSeriesPoint' });
export type ReportSeriesPoint = z.infer<typeof ReportSeriesPoint>;

export const CurrencyMoney = z
  .strictObject({ currency: Currency, revenueCents: MinorUnits, payoutCents: MinorUnits, profitCents: MinorUnits })
  .meta({ id: 'CurrencyMoney', description: 'Money of one currency' });
export type CurrencyMoney = z.infer<typeof CurrencyMoney>;

/** Fields every report has. */
const reportBaseShape = {
  from: Instant.meta({ description: 'Start of the window (an hour start)' }),
  to: Instant.meta({ description: 'End of the window, exclusive' }),
  granularity: Granularity,
  tz: z.string().meta({ description: 'Time zone of the day buckets', example: 'UTC' }),
  currency: Currency.nullable().meta({ description: 'The one currency of the report’s money; null when rows are in several (money is then 0)' }),
  series: z.array(ReportSeriesPoint).meta({ description: 'One point per bucket of the window, oldest first, empty buckets included' }),
  totals: ReportMetrics,
  freshHours: count('Hours answered from raw events because they are not rolled up yet'),
};

export const CampaignReportRow = z
  .strictObject({
    key: z.string().meta({ description: 'The affiliate’s id, or the sub ID, country, device, OS or browser value (empty for clicks without one)' }),
    label: z.string().meta({ description: 'The affiliate’s name, or the value (`(none)` for clicks without one, `(other)` for the values beyond the limit)' }),
    ...reportMetricsShape,
  })
  .meta({ id: 'CampaignReportRow' });
export type CampaignReportRow = z.infer<typeof CampaignReportRow>;

export const CampaignReport = z
  .strictObject({
    campaign: z.strictObject({ id: ObjectId, name: z.string(), currency: Currency }),
    ...reportBaseShape,
    breakdown: z.array(CampaignReportRow).meta({ description: 'With `groupBy`: most conversions (then clicks) first; empty otherwise' }),
  })
  .meta({ id: 'CampaignReport' });
export type CampaignReport = z.infer<typeof CampaignReport>;

export const AffiliateReportRow = z
  .strictObject({
    key: z.string().meta({ description: 'The campaign’s id, or the value grouped by (see `groupBy`; empty for clicks without one)' }),
    label: z.string().meta({ description: 'The campaign’s name, or the value (`(none)`, `(other)`)' }),
    currency: Currency.nullable().meta({ description: 'The row’s one currency; null if its rows are in several (money is then 0)' }),
    ...reportMetricsShape,
  })
  .meta({ id: 'AffiliateReportRow' });
export type AffiliateReportRow = z.infer<typeof AffiliateReportRow>;

/** A report's headline figures in one currency: money is never added up across currencies. */
export const ReportCurrencyTotals = z
  .strictObject({
    currency: Currency,
    clicks: count('Clicks on campaigns paying in this currency'),
    conversions: count('Approved + pending conversions in this currency'),
    revenueCents: MinorUnits.nullable().meta({ description: `What the advertiser pays in this currency; ${hiddenForAffiliates}` }),
    payoutCents: MinorUnits.meta({ description: 'What the affiliate earns in this currency' }),
    profitCents: MinorUnits.nullable().meta({ description: `Revenue minus payout in this currency; ${hiddenForAffiliates}` }),
    epc: z.string().meta({ description: 'Earnings per click in this currency: its payout ÷ the clicks on campaigns paying in it, major units, 4 decimals', example: '0.4216' }),
  })
  .meta({ id: 'ReportCurrencyTotals', description: 'The headline figures of one currency' });
export type ReportCurrencyTotals = z.infer<typeof ReportCurrencyTotals>;

export const AffiliateReport = z
  .strictObject({
    affiliateId: ObjectId,
    ...reportBaseShape,
    byCurrency: z.array(ReportCurrencyTotals).meta({ description: 'Totals per currency, by currency code; the headline when `currency` is null (several currencies)' }),
    breakdown: z.array(AffiliateReportRow).meta({ description: 'One row per campaign (or per value of `groupBy`), most conversions (then clicks) first' }),
  })
  .meta({ id: 'AffiliateReport' });
export type AffiliateReport = z.infer<typeof AffiliateReport>;

const topRowShape = {
  id: ObjectId,
  name: z.string(),
  currency: Currency.nullable().meta({ description: 'null when its rows are in several currencies (its money is then 0)' }),
  ...reportMetricsShape,
};

export const OverviewTopCampaign = z.strictObject(topRowShape).meta({ id: 'OverviewTopCampaign' });
export type OverviewTopCampaign = z.infer<typeof OverviewTopCampaign>;

export const OverviewTopAffiliate = z
  .strictObject({ ...topRowShape, byCurrency: z.array(CurrencyMoney).meta({ description: 'The affiliate’s money per currency' }) })
  .meta({ id: 'OverviewTopAffiliate' });
export type OverviewTopAffiliate = z.infer<typeof OverviewTopAffiliate>;

export const OverviewReport = z
  .strictObject({
    ...reportBaseShape,
    byCurrency: z.array(CurrencyMoney).meta({ description: 'The platform’s money per currency' }),
    topCampaigns: z.array(OverviewTopCampaign).meta({ description: 'Most conversions (then clicks) first, up to `limit`' }),
    topAffiliates: z.array(OverviewTopAffiliate).meta({ description: 'Most conversions (then clicks) first, up to `limit`' }),
  })
  .meta({ id: 'OverviewReport' });
export type OverviewReport = z.infer<typeof OverviewReport>;
