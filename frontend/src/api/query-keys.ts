import type { CampaignListQuery } from './campaigns';
import type { ConversionQuery, PostbackQuery } from './conversions';
import type { PayoutQuery } from './payouts';
import type { ClickLogQuery, ReportQuery } from './reports';
import type { AffiliateGroupBy, CampaignGroupBy, CursorQuery, JobRunStatus, ListQuery, Role, UserStatus } from './types';
import type { AuditQuery } from './settings';

/**
 * Every cache key of the dashboard, per resource. Each resource's keys start
 * with its name, so `invalidateQueries({ queryKey: queryKeys.conversions.all })`
 * reaches every list of it whatever the filter; lists and details have their
 * own prefixes where a write refreshes one and not the other.
 */
export const queryKeys = {
  campaigns: {
    all: ['campaigns'] as const,
    lists: ['campaigns', 'list'] as const,
    list: (q: CampaignListQuery) => ['campaigns', 'list', q] as const,
    detail: (id: string) => ['campaigns', 'detail', id] as const,
  },
  /** Campaigns as an affiliate sees them (the same endpoints answer a smaller shape). */
  offers: {
    all: ['offers'] as const,
    list: (q: CampaignListQuery) => ['offers', 'list', q] as const,
    detail: (id: string) => ['offers', 'detail', id] as const,
  },
  links: {
    all: ['links'] as const,
    list: (q: ListQuery) => ['links', 'list', q] as const,
    forCampaign: (campaignId: string) => ['links', 'campaign', campaignId] as const,
  },
  conversions: {
    all: ['conversions'] as const,
    list: (q: ConversionQuery) => ['conversions', 'list', q] as const,
    detail: (id: string) => ['conversions', 'detail', id] as const,
  },
  postbacks: {
    all: ['postbacks'] as const,
    list: (q: PostbackQuery) => ['postbacks', 'list', q] as const,
  },
  payouts: {
    all: ['payouts'] as const,
    lists: ['payouts', 'list'] as const,
    list: (q: PayoutQuery) => ['payouts', 'list', q] as const,
    /** One payout, whichever page of its lines was read with it. */
    detail: (id: string) => ['payouts', 'detail', id] as const,
    detailPage: (id: string, q: CursorQuery) => ['payouts', 'detail', id, q] as const,
  },
  affiliates: {
    all: ['affiliates'] as const,
    list: (q: CursorQuery & { status?: UserStatus | '' }) => ['affiliates', 'list', q] as const,
  },
  users: {
    all: ['users'] as const,
    list: (q: CursorQuery & { role?: Role | ''; status?: UserStatus | ''; q?: string }) => ['users', 'list', q] as const,
    search: (q: { role?: Role | ''; status?: UserStatus | ''; q?: string; limit: number }) => ['users', 'search', q] as const,
  },
  jobRuns: {
    all: ['job-runs'] as const,
    list: (q: CursorQuery & { job?: string; status?: JobRunStatus | '' }) => ['job-runs', 'list', q] as const,
  },
  queues: {
    all: ['queues'] as const,
  },
  /** Admins: the platform settings and the audit log. */
  platformSettings: {
    all: ['platform-settings'] as const,
  },
  auditLog: {
    all: ['audit-log'] as const,
    list: (q: AuditQuery) => ['audit-log', 'list', q] as const,
  },
  /** The signed-in account's API keys. */
  apiKeys: {
    all: ['api-keys'] as const,
  },
  /** The signed-in affiliate's outbound postback and its delivery log. */
  postbackSettings: {
    all: ['postback-settings'] as const,
  },
  deliveries: {
    all: ['deliveries'] as const,
    list: (q: CursorQuery) => ['deliveries', 'list', q] as const,
  },
  /** Statistics computed from clicks and conversions. */
  reports: {
    all: ['reports'] as const,
    overview: (q: ReportQuery) => ['reports', 'overview', q] as const,
    affiliate: (q: ReportQuery & { campaignId?: string; affiliateId?: string; groupBy?: AffiliateGroupBy }) => ['reports', 'affiliate', q] as const,
    campaign: (id: string, q: ReportQuery & { groupBy?: CampaignGroupBy }) => ['reports', 'campaign', id, q] as const,
    clicks: (scope: 'campaign' | 'affiliate', id: string, q: ClickLogQuery) => ['reports', 'clicks', scope, id, q] as const,
  },
};
