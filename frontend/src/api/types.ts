/** Shapes of docs/api-contract.md, as the dashboard consumes them. */
export type Role = 'admin' | 'advertiser' | 'affiliate';
export type UserStatus = 'pending' | 'approved' | 'rejected' | 'suspended';

export interface User {
  id: string;
  email: string;
  role: Role;
  status: UserStatus;
  name: string;
  company: string;
  createdAt: string;
}

export interface StatusChange {
  at: string;
  by: string | null;
  from: string | null;
  to: string;
  note: string;
}

/** An account with its reviews (affiliates, and every account in the admin users list). */
export interface AffiliateAccount extends User {
  statusHistory: StatusChange[];
}

/** Paging and order of a server-paged list; `sort` must be one the endpoint accepts (else 400). */
export interface ListQuery {
  page?: number;
  limit?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  pages: number;
}

/**
 * A list the API pages with cursors (keyset): `nextCursor` asks for the next
 * page (null at the end); `total` is null when no counter answers the
 * filters; `page`/`pages` are always null.
 */
export interface CursorPaged<T> {
  items: T[];
  total: number | null;
  limit: number;
  nextCursor: string | null;
  page: null;
  pages: null;
}

export interface CursorQuery {
  cursor?: string;
  limit?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

export type PayoutModel = 'CPA' | 'CPL' | 'CPS' | 'CPC';
export type CampaignStatus = 'active' | 'paused' | 'archived';
export type ApprovalMode = 'auto' | 'manual';

export interface Caps {
  dailyConversions: number | null;
  totalConversions: number | null;
  dailyBudgetCents: number | null;
  totalBudgetCents: number | null;
}

export interface Override {
  affiliateId: string;
  payoutCents: number | null;
  payoutBps: number | null;
}

/** Advertiser / admin view of a campaign. */
export interface Campaign {
  id: string;
  advertiserId: string;
  name: string;
  description: string;
  status: CampaignStatus;
  destinationUrl: string;
  fallbackUrl: string | null;
  allowDeepLink: boolean;
  currency: string;
  payoutModel: PayoutModel;
  revenueCents: number | null;
  payoutCents: number | null;
  revenueBps: number | null;
  payoutBps: number | null;
  caps: Caps;
  attributionWindowDays: number;
  approvalMode: ApprovalMode;
  autoApproveAfterDays: number | null;
  minClickToConversionSeconds: number;
  oneConversionPerClick: boolean;
  trackSub1: boolean;
  overrides: Override[];
  /** Set by an admin only: payout and overrides may exceed revenue (the API refuses them otherwise). */
  allowNegativeMargin: boolean;
  postbackSecret: string;
  postbackUrl: string;
  /** Addresses and CIDR ranges postbacks must come from; empty: anywhere. */
  postbackAllowedIps?: string[];
  createdAt: string;
  updatedAt: string;
}

/** What an affiliate sees of a campaign. */
export interface OfferView {
  id: string;
  name: string;
  description: string;
  status: CampaignStatus;
  currency: string;
  payoutModel: PayoutModel;
  payoutCents: number | null;
  payoutBps: number | null;
  attributionWindowDays: number;
  allowDeepLink: boolean;
  caps: Caps;
  previewUrl: string | null;
}

export interface CampaignInput {
  name: string;
  description: string;
  destinationUrl: string;
  fallbackUrl: string | null;
  allowDeepLink: boolean;
  currency: string;
  payoutModel: PayoutModel;
  revenueCents: number | null;
  payoutCents: number | null;
  revenueBps: number | null;
  payoutBps: number | null;
  caps: Caps;
  attributionWindowDays: number;
  approvalMode: ApprovalMode;
  autoApproveAfterDays: number | null;
  minClickToConversionSeconds: number;
  oneConversionPerClick: boolean;
  trackSub1: boolean;
}

export interface TrackingLink {
  id: string;
  campaignId: string;
  url: string;
  clickUrl: string;
  subIds: { params: string[]; maxLength: number; example: string };
  createdAt: string;
  campaignName?: string | null;
  campaignStatus?: CampaignStatus | null;
}

export interface LiveCounts {
  clicks: number;
  uniqueClicks: number;
  invalidClicks: number;
  conversions: number;
  /** No revenueCents in the affiliate scope: affiliates never see what the advertiser pays. */
  money: Record<string, { revenueCents?: number; payoutCents: number }>;
}

export interface LiveMinute extends LiveCounts {
  t: string;
}

export type LiveScope = 'platform' | 'campaign' | 'affiliate';

export interface LiveSnapshot {
  scope: LiveScope;
  id: string;
  minutes: LiveMinute[];
  today: LiveCounts;
}

export interface LiveDelta {
  clicks: number;
  uniqueClicks: number;
  invalidClicks: number;
  conversions: number;
  /** Absent in the affiliate scope. */
  revenueCents?: number;
  payoutCents: number;
}

export interface LiveUpdate {
  room: string;
  scope: LiveScope;
  id: string;
  minute: string;
  currency: string;
  delta: LiveDelta;
}

export interface Metrics {
  clicks: number;
  uniqueClicks: number;
  invalidClicks: number;
  conversions: number;
  approvedConversions: number;
  pendingConversions: number;
  rejectedConversions: number;
  /** `null` for affiliates: what the advertiser pays stays hidden. */
  revenueCents: number | null;
  payoutCents: number;
  profitCents: number | null;
  cr: number;
  epc: string;
}

export type Granularity = 'hour' | 'day';

export interface SeriesRow extends Metrics {
  t: string;
}

export interface BreakdownRow extends Metrics {
  key: string;
  label: string;
  /** Affiliate report rows: the campaign's currency (`null` if it changed within the range). */
  currency?: string | null;
}

/** Fields every analytics report has. */
interface ReportBase {
  from: string;
  to: string;
  granularity: Granularity;
  tz: string;
  /** The one currency of the report's money, `null` when rows are in several (money is then 0). */
  currency: string | null;
  /** Hours answered from raw events because they are not rolled up yet. */
  freshHours: number;
  series: SeriesRow[];
  totals: Metrics;
}

export interface CurrencyMoney {
  currency: string;
  revenueCents: number;
  payoutCents: number;
  profitCents: number;
}

export interface CampaignReport extends ReportBase {
  campaign: { id: string; name: string; currency: string };
  breakdown: BreakdownRow[];
}

export interface AffiliateReport extends ReportBase {
  affiliateId: string;
  breakdown: BreakdownRow[];
}

export interface OverviewReport extends ReportBase {
  byCurrency: CurrencyMoney[];
  /** `currency` is null for a campaign whose currency changed within the range (its money is then 0). */
  topCampaigns: Array<Metrics & { id: string; name: string; currency: string | null }>;
  topAffiliates: Array<Metrics & { id: string; name: string; currency: string | null; byCurrency: CurrencyMoney[] }>;
}

export type ConversionStatus = 'approved' | 'pending' | 'rejected';

export interface Conversion {
  id: string;
  clickId: string;
  campaignId: string;
  campaignName: string;
  affiliateId: string;
  txnId: string | null;
  status: ConversionStatus;
  reason: string | null;
  suspectedFraud: boolean;
  currency: string;
  saleAmountCents: number | null;
  revenueCents?: number;
  payoutCents: number;
  clickedAt: string;
  convertedAt: string;
  sub1?: string | null;
  sub2?: string | null;
  sub3?: string | null;
  sub4?: string | null;
  sub5?: string | null;
  payoutId: string | null;
}

export type PostbackState = 'queued' | 'attributed' | 'status_updated' | 'rejected';

export interface PostbackRecord {
  id: string;
  state: PostbackState;
  reason: string | null;
  detail: string | null;
  campaignId: string | null;
  conversionId: string | null;
  params: Record<string, string>;
  receivedAt: string;
  resolvedAt: string | null;
  test: boolean;
}

export interface OutboundSettings {
  url: string | null;
  enabled: boolean;
  secret: string | null;
}

export interface Delivery {
  id: string;
  conversionId: string | null;
  event: string;
  url: string;
  attempt: number;
  outcome: 'delivered' | 'failed' | 'refused';
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
  test: boolean;
  at: string;
}

export type PayoutStatus = 'pending_approval' | 'approved' | 'paid' | 'rejected';

export interface Payout {
  id: string;
  runId: string;
  affiliateId: string;
  /** `null` if the account no longer exists. */
  affiliateName: string | null;
  currency: string;
  amountCents: number;
  conversionCount: number;
  /** CPC click earnings (one per UTC day × campaign) in the payout, the clicks they pay and their part of `amountCents`. */
  clickEarningCount: number;
  clickCount: number;
  clickAmountCents: number;
  status: PayoutStatus;
  cutoff: string;
  periodStart: string | null;
  periodEnd: string | null;
  paidReference: string | null;
  createdAt: string;
  updatedAt: string;
  /** `by` is a user id or `system`. */
  history: Array<{ at: string; by: string | null; from: string | null; to: string; note: string }>;
}

/**
 * A payout line: one approved conversion (`kind: 'conversion'`), or one CPC
 * click earning (`kind: 'clicks'`): a UTC `day`'s paid `clicks` on a campaign.
 */
export interface PayoutLine {
  id: string;
  kind: 'conversion' | 'clicks';
  /** Conversion lines only. */
  conversionId: string | null;
  /** Clicks lines only. */
  clickEarningId: string | null;
  day: string | null;
  clicks: number | null;
  campaignId: string;
  campaignName: string | null;
  amountCents: number;
  /** When the conversion converted; for a clicks line the start of its UTC day. */
  convertedAt: string;
}

export type JobRunStatus = 'running' | 'succeeded' | 'failed';

export interface JobRun {
  id: string;
  job: string;
  trigger: 'schedule' | 'manual' | 'cli';
  slot: string | null;
  windowFrom: string | null;
  windowTo: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: JobRunStatus;
  counts: Record<string, number>;
  details: Record<string, unknown>;
  error: string | null;
  host: string | null;
}

export interface QueueSummary {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}
