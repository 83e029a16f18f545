import { affiliateReportCsv, campaignReportCsv, overviewReportCsv, sendCsv } from '../../analytics/csv';
import { affiliateReportQuery, campaignReportQuery, overviewReportQuery, reportWindow } from '../../analytics/query';
import { affiliateReport, campaignReport, overviewReport } from '../../analytics/reports';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { idParam, route, type RouteSpec } from './types';

const day = (iso: string) => iso.slice(0, 10);

export function analyticsRoutes(ctx: AppContext): RouteSpec[] {
  return [
    route('get', '/api/analytics/campaign/:id', 'analytics.campaign', 'Campaign performance: series, totals, breakdown by affiliate or sub1', async (req, res) => {
      const { id } = parse(idParam, req.params, 'params');
      const q = parse(campaignReportQuery, req.query, 'query');
      const w = reportWindow(q, Date.now());
      const report = await campaignReport(ctx, principalOf(req), id, w, q.groupBy);
      if (q.format === 'csv') return sendCsv(res, `campaign-${id}-${day(report.from)}-${day(report.to)}.csv`, campaignReportCsv(report));
      res.json(report);
    }),

    route('get', '/api/analytics/affiliate', 'analytics.affiliate', 'An affiliate’s performance by campaign', async (req, res) => {
      const q = parse(affiliateReportQuery, req.query, 'query');
      const p = principalOf(req);
      let affiliateId = p.id;
      if (p.role === 'admin') {
        if (!q.affiliateId) throw new ApiError('validation_failed', 'affiliateId is required for admins', [{ path: 'affiliateId', message: 'required' }]);
        affiliateId = q.affiliateId;
      } else if (q.affiliateId && q.affiliateId !== p.id) {
        throw new ApiError('forbidden', 'Affiliates see only their own analytics');
      }
      const w = reportWindow(q, Date.now());
      const report = await affiliateReport(ctx, p, affiliateId, q.campaignId, w);
      if (q.format === 'csv') return sendCsv(res, `affiliate-${affiliateId}-${day(report.from)}-${day(report.to)}.csv`, affiliateReportCsv(report));
      res.json(report);
    }),

    route('get', '/api/analytics/overview', 'analytics.overview', 'Platform totals, top campaigns and affiliates', async (req, res) => {
      const q = parse(overviewReportQuery, req.query, 'query');
      const w = reportWindow(q, Date.now());
      const report = await overviewReport(ctx, w, q.limit);
      if (q.format === 'csv') return sendCsv(res, `overview-${day(report.from)}-${day(report.to)}.csv`, overviewReportCsv(report));
      res.json(report);
    }),
  ];
}
