/**
 * The API's shapes as the dashboard consumes them: types inferred from the
 * contract package's zod schemas, the same ones the API validates and its
 * OpenAPI document is generated from. Only the dashboard's own names and
 * the query helpers are declared here.
 */
import type { AffiliateReportQuery, AffiliateReportRow, CampaignCreateBody, CampaignReportQuery, CampaignReportRow, ListedTrackingLink, QueueCounts, TrackingLink as ContractTrackingLink } from '@offerly/contract';

export type {
  AffiliateReport,
  ClickLogEntry,
  ClickLogPage,
  ApprovalMode,
  CampaignReport,
  CampaignStatus,
  Conversion,
  ConversionActor,
  ConversionClick,
  ConversionBulkReviewResult,
  ConversionDetail,
  ConversionDetailChange,
  ConversionStatus,
  CurrencyMoney,
  CursorPaged,
  Delivery,
  Granularity,
  JobRun,
  JobRunStatus,
  LiveCounts,
  LiveDelta,
  LiveMinute,
  LiveScope,
  LiveSnapshot,
  LiveUpdate,
  OverviewReport,
  Paged,
  Payout,
  PayoutBulkApproveResult,
  PayoutLine,
  PayoutModel,
  PayoutStatus,
  PostbackState,
  Role,
  StatusChange,
  User,
  UserStatus,
} from '@offerly/contract';
export type {
  ManagedCampaign as Campaign,
  UserWithHistory as AffiliateAccount,
  CampaignCaps as Caps,
  PayoutOverride as Override,
  CampaignOffer as OfferView,
  PostbackSettings as OutboundSettings,
  Postback as PostbackRecord,
  ReportMetrics as Metrics,
  ReportCurrencyTotals as CurrencyTotals,
  ReportSeriesPoint as SeriesRow,
} from '@offerly/contract';

/** What a campaign report's breakdown groups by: affiliate, sub1, country, device, os, browser, sub2…sub5. */
export type CampaignGroupBy = NonNullable<CampaignReportQuery['groupBy']>;
/** What an affiliate report's breakdown groups by: campaign (the default), country, device, os, browser, sub2…sub5. */
export type AffiliateGroupBy = NonNullable<AffiliateReportQuery['groupBy']>;

/** A report breakdown row: by affiliate, sub ID or visitor dimension in a campaign report, by campaign or dimension (with its currency) in an affiliate report. */
export type BreakdownRow = AffiliateReportRow | (CampaignReportRow & { currency?: undefined });
/** A tracking link; the links list adds its campaign's name and status. */
export type TrackingLink = ContractTrackingLink & Partial<Pick<ListedTrackingLink, 'campaignName' | 'campaignStatus'>>;
/** What the campaign form sends. */
export type CampaignInput = CampaignCreateBody;
/** One queue's depth and failures. */
export type QueueSummary = QueueCounts;

/** Paging and order of a server-paged list; `sort` must be one the endpoint accepts (else 400). */
export interface ListQuery {
  page?: number;
  limit?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface CursorQuery {
  cursor?: string;
  limit?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}
