import { api, csvHref } from './client';
import type { AffiliateGroupBy, AffiliateReport, CampaignGroupBy, CampaignReport, ClickLogPage, Granularity, LiveScope, LiveSnapshot, OverviewReport } from './types';

export interface ReportQuery {
  from: string;
  to: string;
  granularity: Granularity;
  tz: string;
}

/** A click log page: newest first, `cursor` the previous page's `nextCursor`. */
export interface ClickLogQuery {
  cursor?: string;
  limit?: number;
}

export const reportsApi = {
  live: (scope: LiveScope, id: string, signal?: AbortSignal) => api.get<LiveSnapshot>('/api/live', { scope, id }, signal),
  campaign: (id: string, q: ReportQuery & { groupBy?: CampaignGroupBy }, signal?: AbortSignal) =>
    api.get<CampaignReport>(`/api/analytics/campaign/${id}`, { ...q }, signal),
  campaignCsv: (id: string, q: ReportQuery & { groupBy?: CampaignGroupBy }) => csvHref(`/api/analytics/campaign/${id}`, { ...q }),
  affiliate: (q: ReportQuery & { campaignId?: string; affiliateId?: string; groupBy?: AffiliateGroupBy }, signal?: AbortSignal) =>
    api.get<AffiliateReport>('/api/analytics/affiliate', { ...q }, signal),
  affiliateCsv: (q: ReportQuery & { campaignId?: string; groupBy?: AffiliateGroupBy }) => csvHref('/api/analytics/affiliate', { ...q }),
  campaignClicks: (id: string, q: ClickLogQuery, signal?: AbortSignal) => api.get<ClickLogPage>(`/api/analytics/campaign/${id}/clicks`, { ...q }, signal),
  affiliateClicks: (q: ClickLogQuery & { affiliateId?: string }, signal?: AbortSignal) => api.get<ClickLogPage>('/api/analytics/affiliate/clicks', { ...q }, signal),
  overview: (q: ReportQuery, signal?: AbortSignal) => api.get<OverviewReport>('/api/analytics/overview', { ...q }, signal),
  overviewCsv: (q: ReportQuery) => csvHref('/api/analytics/overview', { ...q }),
};
