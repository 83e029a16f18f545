import type { CampaignStatus } from './campaign-rules';
import type { UserStatus } from './permissions';

/** Machine-readable reasons a postback does not become a paid conversion. */
export const REJECT_REASONS = [
  'invalid_request',
  'bad_token',
  'unknown_click',
  'invalid_click',
  'expired',
  'duplicate',
  'cap_reached',
  'budget_exhausted',
  'affiliate_inactive',
  'campaign_inactive',
  'amount_required',
  'currency_mismatch',
  'advertiser_rejected',
  'admin_rejected',
  'processing_failed',
  'admin_decided',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** An admin's approval or rejection of a conversion: who, when, to what, and why. */
export interface AdminDecision {
  by: string;
  at: Date;
  status: ConversionStatus;
  note: string;
}

/**
 * Admins have the last word on a conversion: once one has approved or
 * rejected it, only an admin may change it again. Advertiser reviews, status
 * postbacks and scheduled jobs are refused with `admin_decided`.
 */
export function adminDecisionBlocks(decision: AdminDecision | null | undefined, byAdmin: boolean): boolean {
  return Boolean(decision) && !byAdmin;
}

export interface ClickFacts {
  ts: number;
  campaignId: string;
  valid: boolean;
}

export interface CampaignFacts {
  id: string;
  status: CampaignStatus;
  currency: string;
  attributionWindowDays: number;
  minClickToConversionSeconds: number;
}

export type AttributionResult = { ok: true; suspectedFraud: boolean } | { ok: false; reason: RejectReason };

/**
 * Is a postback for this campaign attributable to this click? Checks run in
 * the order an advertiser would debug them. Paused campaigns still convert
 * clicks they already sent; archived ones do not.
 */
export function attribute(input: {
  click: ClickFacts | null;
  campaign: CampaignFacts;
  affiliateStatus: UserStatus | null;
  convertedAt: number;
  currency: string | null;
}): AttributionResult {
  const { click, campaign } = input;
  if (!click || click.campaignId !== campaign.id) return { ok: false, reason: 'unknown_click' };
  if (campaign.status === 'archived') return { ok: false, reason: 'campaign_inactive' };
  if (!click.valid) return { ok: false, reason: 'invalid_click' };
  if (input.affiliateStatus !== 'approved') return { ok: false, reason: 'affiliate_inactive' };
  const elapsedMs = input.convertedAt - click.ts;
  if (elapsedMs > campaign.attributionWindowDays * 86_400_000) return { ok: false, reason: 'expired' };
  if (input.currency !== null && input.currency !== campaign.currency) return { ok: false, reason: 'currency_mismatch' };
  return { ok: true, suspectedFraud: elapsedMs < campaign.minClickToConversionSeconds * 1000 };
}

export const CONVERSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

/**
 * First status of an attributed conversion. A fraud hold always wins; then an
 * explicit status from the advertiser; then the campaign's approval mode.
 */
export function initialStatus(opts: {
  approvalMode: 'auto' | 'manual';
  suspectedFraud: boolean;
  requested: ConversionStatus | null;
}): ConversionStatus {
  if (opts.requested === 'rejected') return 'rejected';
  if (opts.suspectedFraud) return 'pending';
  if (opts.requested) return opts.requested;
  return opts.approvalMode === 'auto' ? 'approved' : 'pending';
}

/** Status changes allowed on a conversion once it exists. Paid-out conversions are frozen. */
export function canChangeStatus(from: ConversionStatus, to: ConversionStatus, inPayout: boolean): boolean {
  if (from === to || inPayout) return false;
  return true;
}

/** 0/1 flags stored on each conversion so rollups can $sum them without $cond. */
export function statusFlags(status: ConversionStatus): { approved: 0 | 1; pending: 0 | 1; rejected: 0 | 1 } {
  return { approved: status === 'approved' ? 1 : 0, pending: status === 'pending' ? 1 : 0, rejected: status === 'rejected' ? 1 : 0 };
}

/** Whether a conversion in this status holds a place under the campaign's caps and budget. */
export const countsTowardCaps = (s: ConversionStatus) => s !== 'rejected';
