import {
  AffiliateClickLogQuery,
  AffiliateReport,
  CampaignClickLogQuery,
  ClickLogPage,
  AffiliateReportQuery,
  CampaignReport,
  CampaignReportQuery,
  IdParams,
  MAX_HOURLY_RANGE_DAYS,
  MAX_RANGE_DAYS,
  OverviewReport,
  OverviewReportQuery,
} from '@offerly/contract';
import { affiliateReportCsv, campaignReportCsv, overviewReportCsv } from '../../analytics/csv';
import { affiliateClickLog, campaignClickLog } from '../../analytics/click-log';
import { sendCsv } from '../send-csv';
import { reportWindow } from '../../analytics/query';
import { affiliateReport, campaignReport, overviewReport } from '../../analytics/reports';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import type { Principal } from '../../domain/permissions';
import { defineRoute, jsonOrCsv, type RouteSpec } from './types';

const day = (iso: string) => iso.slice(0, 10);

const WINDOW_TEXT = [
  'The window is whole hours, `to` exclusive: a date-only bound is midnight in `tz`; without `from`, the last 7 days.',
  `At most ${MAX_RANGE_DAYS} days, ${MAX_HOURLY_RANGE_DAYS} with \`granularity=hour\`.`,
  'Hours not rolled up yet are counted from raw events (`freshHours`). `format=csv` answers the same report as a CSV file.',
].join(' ');

const CLICK_LOG_TEXT =
  'Each click with its sub IDs, country, device, OS and browser, and whether it counted (`valid`, `unique`) or why not (`reason`). Page on with `cursor`; at most the last 1,000 clicks of each hour are kept, for as long as raw clicks are (`RAW_RETENTION_DAYS`).';

/** Whose report an affiliate report is: admins name the affiliate, affiliates get their own. */
function reportAffiliate(p: Principal, asked: string | undefined): string {
  if (p.role === 'admin') {
    if (!asked) throw new ApiError('validation_failed', 'affiliateId is required for admins', [{ path: 'affiliateId', message: 'required' }]);
    return asked;
  }
  if (asked && asked !== p.id) throw new ApiError('forbidden', 'Affiliates see only their own analytics');
  return p.id;
}

export function analyticsRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/analytics/campaign/:id',
      action: 'analytics.campaign',
      tag: 'Analytics',
      summary: 'Campaign performance: series, totals, breakdown by affiliate, sub ID, country, device, OS or browser',
      description: `${WINDOW_TEXT} Advertisers see their own campaigns only.`,
      request: { params: IdParams, query: CampaignReportQuery },
      responses: { 200: jsonOrCsv(CampaignReport, 'The campaign report', 'The campaign report as CSV (`format=csv`)') },
    }).handle(async ({ params, query, principal, res }) => {
      const report = await campaignReport(ctx, principal, params.id, reportWindow(query, Date.now()), query.groupBy);
      if (query.format === 'csv') return sendCsv(res, `campaign-${params.id}-${day(report.from)}-${day(report.to)}.csv`, campaignReportCsv(report));
      return report;
    }),

    defineRoute({
      method: 'get',
      path: '/api/analytics/affiliate',
      action: 'analytics.affiliate',
      tag: 'Analytics',
      summary: 'An affiliate’s performance by campaign, sub ID, country, device, OS or browser',
      description: `${WINDOW_TEXT} Admins name the affiliate (\`affiliateId\`); affiliates see their own report, without revenue and profit (null).`,
      request: { query: AffiliateReportQuery },
      responses: { 200: jsonOrCsv(AffiliateReport, 'The affiliate report', 'The affiliate report as CSV (`format=csv`)') },
    }).handle(async ({ query, principal, res }) => {
      const affiliateId = reportAffiliate(principal, query.affiliateId);
      const report = await affiliateReport(ctx, principal, affiliateId, query.campaignId, reportWindow(query, Date.now()), Date.now(), query.groupBy);
      if (query.format === 'csv') return sendCsv(res, `affiliate-${affiliateId}-${day(report.from)}-${day(report.to)}.csv`, affiliateReportCsv(report));
      return report;
    }),

    defineRoute({
      method: 'get',
      path: '/api/analytics/overview',
      action: 'analytics.overview',
      tag: 'Analytics',
      summary: 'Platform totals, top campaigns and affiliates',
      description: WINDOW_TEXT,
      request: { query: OverviewReportQuery },
      responses: { 200: jsonOrCsv(OverviewReport, 'The platform report', 'The platform report as CSV (`format=csv`)') },
    }).handle(async ({ query, res }) => {
      const report = await overviewReport(ctx, reportWindow(query, Date.now()), query.limit);
      if (query.format === 'csv') return sendCsv(res, `overview-${day(report.from)}-${day(report.to)}.csv`, overviewReportCsv(report));
      return report;
    }),

    defineRoute({
      method: 'get',
      path: '/api/analytics/campaign/:id/clicks',
      action: 'analytics.campaignClicks',
      tag: 'Analytics',
      summary: 'A campaign’s click log: recent clicks, newest first, with why invalid ones are',
      description: `${CLICK_LOG_TEXT} Advertisers see their own campaigns only.`,
      request: { params: IdParams, query: CampaignClickLogQuery },
      responses: { 200: ClickLogPage },
    }).handle(async ({ params, query, principal }) => campaignClickLog(ctx, principal, params.id, query)),

    defineRoute({
      method: 'get',
      path: '/api/analytics/affiliate/clicks',
      action: 'analytics.affiliateClicks',
      tag: 'Analytics',
      summary: 'An affiliate’s click log: recent clicks, newest first, with why invalid ones are',
      description: `${CLICK_LOG_TEXT} Admins name the affiliate (\`affiliateId\`); affiliates see their own clicks.`,
      request: { query: AffiliateClickLogQuery },
      responses: { 200: ClickLogPage },
    }).handle(async ({ query, principal }) => affiliateClickLog(ctx, reportAffiliate(principal, query.affiliateId), query)),
  ];
}
