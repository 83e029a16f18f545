import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import { adminApi } from './admin';
import { affiliateApi } from './affiliate';
import { apiKeysApi } from './api-keys';
import { campaignsApi, type CampaignListQuery } from './campaigns';
import { conversionsApi, postbacksApi, type ConversionQuery, type PostbackQuery } from './conversions';
import { payoutsApi, type PayoutQuery } from './payouts';
import { queryKeys } from './query-keys';
import { reportsApi, type ClickLogQuery, type ReportQuery } from './reports';
import { settingsApi, type AuditQuery } from './settings';
import type { AffiliateGroupBy, CampaignGroupBy, CursorQuery, JobRunStatus, ListQuery, Role, UserStatus } from './types';

/** A list or report keeps its previous page, filter or range on screen (dimmed) while the next one loads. */
const keepShowing = { placeholderData: keepPreviousData };

/** Data that changes without this user doing anything (conversions arrive, jobs run): read again when the tab regains focus. */
const moving = { refetchOnWindowFocus: true };

/** What each page reads, with its cache key (query-keys.ts) and how it stays fresh. */
export const queries = {
  campaigns: {
    list: (q: CampaignListQuery) => queryOptions({ queryKey: queryKeys.campaigns.list(q), queryFn: ({ signal }) => campaignsApi.list(q, signal), ...keepShowing }),
    detail: (id: string) => queryOptions({ queryKey: queryKeys.campaigns.detail(id), queryFn: ({ signal }) => campaignsApi.get(id, signal) }),
  },
  offers: {
    list: (q: CampaignListQuery) => queryOptions({ queryKey: queryKeys.offers.list(q), queryFn: ({ signal }) => campaignsApi.offers(q, signal), ...keepShowing }),
    detail: (id: string) => queryOptions({ queryKey: queryKeys.offers.detail(id), queryFn: ({ signal }) => campaignsApi.offer(id, signal) }),
  },
  links: {
    list: (q: ListQuery) => queryOptions({ queryKey: queryKeys.links.list(q), queryFn: ({ signal }) => campaignsApi.links(q, signal), ...keepShowing }),
    forCampaign: (campaignId: string) => queryOptions({ queryKey: queryKeys.links.forCampaign(campaignId), queryFn: ({ signal }) => campaignsApi.link(campaignId, signal) }),
  },
  conversions: {
    list: (q: ConversionQuery) => queryOptions({ queryKey: queryKeys.conversions.list(q), queryFn: ({ signal }) => conversionsApi.list(q, signal), ...keepShowing, ...moving }),
    detail: (id: string) => queryOptions({ queryKey: queryKeys.conversions.detail(id), queryFn: ({ signal }) => conversionsApi.detail(id, signal), ...moving }),
  },
  postbacks: {
    list: (q: PostbackQuery) =>
      queryOptions({ queryKey: queryKeys.postbacks.list(q), queryFn: ({ signal }) => postbacksApi.list(q, signal), ...keepShowing, ...moving }),
  },
  payouts: {
    list: (q: PayoutQuery) => queryOptions({ queryKey: queryKeys.payouts.list(q), queryFn: ({ signal }) => payoutsApi.list(q, signal), ...keepShowing, ...moving }),
    detailPage: (id: string, q: CursorQuery) =>
      queryOptions({
        queryKey: queryKeys.payouts.detailPage(id, q),
        queryFn: ({ signal }) => payoutsApi.get(id, q, signal),
        // Another page of the same payout's lines keeps the payout on screen; another payout does not.
        placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === id ? previous : undefined),
        ...moving,
      }),
  },
  affiliates: {
    list: (q: CursorQuery & { status?: UserStatus | '' }) => queryOptions({ queryKey: queryKeys.affiliates.list(q), queryFn: ({ signal }) => adminApi.affiliates(q, signal), ...keepShowing, ...moving }),
  },
  users: {
    list: (q: CursorQuery & { role?: Role | ''; status?: UserStatus | ''; q?: string }) =>
      queryOptions({ queryKey: queryKeys.users.list(q), queryFn: ({ signal }) => adminApi.users(q, signal), ...keepShowing, ...moving }),
    /** Pages of a users search one after another ("more"), each from the previous page's cursor. */
    search: (q: { role?: Role | ''; status?: UserStatus | ''; q?: string; limit: number }) =>
      infiniteQueryOptions({
        queryKey: queryKeys.users.search(q),
        queryFn: ({ signal, pageParam }) => adminApi.users({ ...q, ...(pageParam ? { cursor: pageParam } : {}) }, signal),
        initialPageParam: '',
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        ...keepShowing,
      }),
  },
  jobRuns: {
    list: (q: CursorQuery & { job?: string; status?: JobRunStatus | '' }) =>
      queryOptions({ queryKey: queryKeys.jobRuns.list(q), queryFn: ({ signal }) => adminApi.jobRuns(q, signal), ...keepShowing, ...moving }),
  },
  queues: {
    summary: () => queryOptions({ queryKey: queryKeys.queues.all, queryFn: ({ signal }) => adminApi.queues(signal), ...moving }),
  },
  platformSettings: {
    get: () => queryOptions({ queryKey: queryKeys.platformSettings.all, queryFn: ({ signal }) => settingsApi.get(signal) }),
  },
  auditLog: {
    list: (q: AuditQuery) => queryOptions({ queryKey: queryKeys.auditLog.list(q), queryFn: ({ signal }) => settingsApi.auditLog(q, signal), ...keepShowing, ...moving }),
  },
  apiKeys: {
    list: () => queryOptions({ queryKey: queryKeys.apiKeys.all, queryFn: ({ signal }) => apiKeysApi.list(signal) }),
  },
  postbackSettings: {
    get: () => queryOptions({ queryKey: queryKeys.postbackSettings.all, queryFn: ({ signal }) => affiliateApi.postback(signal) }),
  },
  deliveries: {
    list: (q: CursorQuery) => queryOptions({ queryKey: queryKeys.deliveries.list(q), queryFn: ({ signal }) => affiliateApi.deliveries(q, signal), ...keepShowing, ...moving }),
  },
  reports: {
    overview: (q: ReportQuery) => queryOptions({ queryKey: queryKeys.reports.overview(q), queryFn: ({ signal }) => reportsApi.overview(q, signal), ...keepShowing, ...moving }),
    affiliate: (q: ReportQuery & { campaignId?: string; affiliateId?: string; groupBy?: AffiliateGroupBy }) =>
      queryOptions({ queryKey: queryKeys.reports.affiliate(q), queryFn: ({ signal }) => reportsApi.affiliate(q, signal), ...keepShowing, ...moving }),
    campaign: (id: string, q: ReportQuery & { groupBy?: CampaignGroupBy }) =>
      queryOptions({ queryKey: queryKeys.reports.campaign(id, q), queryFn: ({ signal }) => reportsApi.campaign(id, q, signal), ...keepShowing, ...moving }),
    /** A click log page of a campaign, or of an affiliate (`id`: the affiliate's; the API takes it from the session for affiliates). */
    clicks: (scope: 'campaign' | 'affiliate', id: string, q: ClickLogQuery) =>
      queryOptions({
        queryKey: queryKeys.reports.clicks(scope, id, q),
        queryFn: ({ signal }) => (scope === 'campaign' ? reportsApi.campaignClicks(id, q, signal) : reportsApi.affiliateClicks({ ...q, affiliateId: id }, signal)),
        ...keepShowing,
        ...moving,
      }),
  },
};
