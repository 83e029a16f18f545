import { safeCsv, type CsvCell } from '../csv/safe-csv';
import { formatDecimal } from '../domain/money';
import { localDay, localTimeLabel } from '../domain/time-buckets';
import { OTHER_KEY } from '../domain/report-dims';
import type { affiliateReport, campaignReport, overviewReport, ReportMetrics, SeriesPoint } from './reports';

type CampaignReport = Awaited<ReturnType<typeof campaignReport>>;
type AffiliateReport = Awaited<ReturnType<typeof affiliateReport>>;
type OverviewReport = Awaited<ReturnType<typeof overviewReport>>;

const COUNT_COLUMNS = ['clicks', 'uniqueClicks', 'invalidClicks', 'conversions', 'approvedConversions', 'pendingConversions', 'rejectedConversions', 'cr'] as const;
const MONEY_COLUMNS = ['revenue', 'payout', 'profit'] as const;

/**
 * One header for every report's CSV, so exports stack in one sheet. `section`
 * says what a row is (series, total, breakdown, top_campaigns, …); `start`/`end`
 * are UTC instants (the bucket, or the whole window); `localDay` is the bucket's
 * calendar day in the report's time zone. Money is in minor units (`…Cents`)
 * and as a decimal in `currency`; both are empty where a row mixes currencies
 * or the reader may not see the figure.
 */
export const REPORT_CSV_HEADER = [
  'section',
  'key',
  'label',
  'start',
  'end',
  'localDay',
  ...COUNT_COLUMNS,
  'epc',
  'currency',
  ...MONEY_COLUMNS.map((m) => `${m}Cents`),
  ...MONEY_COLUMNS,
] as const;

interface RowMeta {
  section: string;
  key?: string;
  label: string;
  start?: string;
  end?: string;
  localDay?: string;
}

type Money = Pick<ReportMetrics, 'revenueCents' | 'payoutCents' | 'profitCents'>;

function moneyCells(m: Partial<Money>, currency: string | null): CsvCell[] {
  const cents = MONEY_COLUMNS.map((k) => (currency === null ? null : (m[`${k}Cents`] ?? null)));
  return [currency ?? '', ...cents, ...cents.map((c) => (c === null || currency === null ? '' : formatDecimal(c, currency)))];
}

function metricRow(meta: RowMeta, m: ReportMetrics, currency: string | null): CsvCell[] {
  return [
    meta.section,
    meta.key ?? '',
    meta.label,
    meta.start ?? '',
    meta.end ?? '',
    meta.localDay ?? '',
    ...COUNT_COLUMNS.map((c) => m[c]),
    currency === null ? '' : m.epc,
    ...moneyCells(m, currency),
  ];
}

/** A row with money only (amounts per currency). */
function moneyRow(meta: RowMeta, m: Money, currency: string): CsvCell[] {
  return [meta.section, meta.key ?? '', meta.label, meta.start ?? '', meta.end ?? '', '', ...COUNT_COLUMNS.map(() => ''), '', ...moneyCells(m, currency)];
}

interface ReportFrame {
  from: string;
  to: string;
  granularity: 'hour' | 'day';
  tz: string;
  series: SeriesPoint[];
  totals: ReportMetrics;
  currency: string | null;
}

/** The series (one row per bucket) and the totals of a report. */
function seriesAndTotalRows(r: ReportFrame): CsvCell[][] {
  const window = { start: r.from, end: r.to };
  const rows = r.series.map((p, i) => {
    const ms = Date.parse(p.t);
    const label = r.granularity === 'day' ? localDay(ms, r.tz) : localTimeLabel(ms, r.tz);
    return metricRow({ section: 'series', label, start: p.t, end: r.series[i + 1]?.t ?? r.to, localDay: localDay(ms, r.tz) }, p, r.currency);
  });
  rows.push(metricRow({ section: 'total', label: 'Total', ...window }, r.totals, r.currency));
  return rows;
}

const withHeader = (rows: CsvCell[][]) => safeCsv([[...REPORT_CSV_HEADER], ...rows]);

/** A breakdown row's key as a spreadsheet shows it: the values beyond the limit as `(other)`, not a control character. */
const csvKey = (key: string) => (key === OTHER_KEY ? '(other)' : key);

export function campaignReportCsv(r: CampaignReport): string {
  const window = { start: r.from, end: r.to };
  return withHeader([...seriesAndTotalRows(r), ...r.breakdown.map((b) => metricRow({ section: 'breakdown', key: csvKey(b.key), label: b.label, ...window }, b, r.currency))]);
}

export function affiliateReportCsv(r: AffiliateReport): string {
  const window = { start: r.from, end: r.to };
  return withHeader([
    ...seriesAndTotalRows(r),
    ...r.byCurrency.map((m) => moneyRow({ section: 'by_currency', key: m.currency, label: m.currency, ...window }, m, m.currency)),
    ...r.breakdown.map((b) => metricRow({ section: 'breakdown', key: csvKey(b.key), label: b.label, ...window }, b, b.currency)),
  ]);
}

export function overviewReportCsv(r: OverviewReport): string {
  const window = { start: r.from, end: r.to };
  return withHeader([
    ...seriesAndTotalRows(r),
    ...r.byCurrency.map((m) => moneyRow({ section: 'by_currency', key: m.currency, label: m.currency, ...window }, m, m.currency)),
    ...r.topCampaigns.map((c) => metricRow({ section: 'top_campaigns', key: c.id, label: c.name, ...window }, c, c.currency)),
    ...r.topAffiliates.map((a) => metricRow({ section: 'top_affiliates', key: a.id, label: a.name, ...window }, a, a.currency)),
    ...r.topAffiliates.flatMap((a) => a.byCurrency.map((m) => moneyRow({ section: 'top_affiliates_by_currency', key: a.id, label: a.name, ...window }, m, m.currency))),
  ]);
}
