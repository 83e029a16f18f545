import type { CampaignStatus } from './campaign-rules';
import type { BotVerdict } from './bots';
import type { PayoutModel } from './payout-models';
import type { UserStatus } from './permissions';

/**
 * What decides whether a click counts and where it is sent. Pure rules: the
 * click path feeds them what its link cache knows.
 */
export const INVALID_REASONS = [
  'bot',
  'no_user_agent',
  'campaign_paused',
  'campaign_archived',
  'affiliate_inactive',
  'advertiser_inactive',
  'cap_reached',
  'budget_exhausted',
  'head_request',
] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** A campaign limit currently in force (conversion cap or spend budget). */
export type CampaignLimit = null | 'cap_reached' | 'budget_exhausted';

export interface ClickTargetState {
  campaignStatus: CampaignStatus;
  affiliateStatus: UserStatus | 'missing';
  /** Traffic reaches an advertiser's offers only once an admin approved it, and not while suspended. */
  advertiserStatus: UserStatus | 'missing';
  limit: CampaignLimit;
}

/** Why traffic may not reach the offer right now, or null when it may. */
export function blockReason(t: ClickTargetState): InvalidReason | null {
  if (t.campaignStatus === 'archived') return 'campaign_archived';
  if (t.campaignStatus === 'paused') return 'campaign_paused';
  if (t.advertiserStatus !== 'approved') return 'advertiser_inactive';
  if (t.affiliateStatus !== 'approved') return 'affiliate_inactive';
  return t.limit;
}

export interface ClickVerdict {
  /** Null for a valid click. */
  reason: InvalidReason | null;
  /** Blocked clicks go to the fallback; bots still reach the destination but are never paid. */
  blocked: boolean;
}

/**
 * `head` is a HEAD request: link checkers and unfurlers probe links with it,
 * no person follows a redirect that way. It is answered like a GET but never counts.
 */
export function classifyClick(t: ClickTargetState, bot: BotVerdict, head = false): ClickVerdict {
  const block = blockReason(t);
  if (block) return { reason: block, blocked: true };
  if (head) return { reason: 'head_request', blocked: false };
  return { reason: bot, blocked: false };
}

export interface CounterState {
  conversions: number;
  spendCents: number;
}

export interface CapsLike {
  dailyConversions: number | null;
  totalConversions: number | null;
  dailyBudgetCents: number | null;
  totalBudgetCents: number | null;
}

/**
 * What the campaign's next paid event adds to its spend (spend is revenue,
 * what the advertiser pays): one conversion of a fixed model, one unique
 * click of CPC. A CPS sale's value is known only when it arrives, so it
 * counts as the smallest possible one, a cent.
 */
export function nextSpendCents(terms: { payoutModel: PayoutModel; revenueCents?: number | null }): number {
  if (terms.payoutModel === 'CPS') return 1;
  return Math.max(1, terms.revenueCents ?? 0);
}

/**
 * Whether a budget is used up: what remains cannot pay for the next event.
 * A remainder smaller than one conversion would only reject every postback
 * while the clicks that lead to them still count as valid.
 */
export function budgetExhausted(budgetCents: number | null, spentCents: number | undefined, nextCents: number): boolean {
  return budgetCents !== null && budgetCents - (spentCents ?? 0) < Math.max(1, nextCents);
}

/**
 * Which limit today's and the lifetime counters have reached; budgets win
 * over conversion caps. `nextCents` is `nextSpendCents` of the campaign.
 */
export function limitReached(caps: CapsLike, today: CounterState | null, total: CounterState | null, nextCents = 1): CampaignLimit {
  const reached = (limit: number | null, value: number | undefined) => limit !== null && (value ?? 0) >= limit;
  if (budgetExhausted(caps.dailyBudgetCents, today?.spendCents, nextCents) || budgetExhausted(caps.totalBudgetCents, total?.spendCents, nextCents)) return 'budget_exhausted';
  if (reached(caps.dailyConversions, today?.conversions) || reached(caps.totalConversions, total?.conversions)) return 'cap_reached';
  return null;
}

export const hasCaps = (c: CapsLike): boolean =>
  c.dailyConversions !== null || c.totalConversions !== null || c.dailyBudgetCents !== null || c.totalBudgetCents !== null;

export const hasDailyCaps = (c: CapsLike): boolean => c.dailyConversions !== null || c.dailyBudgetCents !== null;

export const SUB_PARAMS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
export const SUB_MAX_LENGTH = 255;
export const DEEP_LINK_MAX_LENGTH = 2048;
export const USER_AGENT_MAX_LENGTH = 512;
export const REFERER_MAX_LENGTH = 1024;

// C0/C1 controls and lone surrogates: stored values stay printable and valid UTF-8.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Free text from a request (sub IDs, user agent, referer): printable, trimmed, bounded; empty becomes null. */
export function cleanText(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined || value === '') return null;
  let s = value.length > max * 2 ? value.slice(0, max * 2) : value;
  s = s.replace(UNPRINTABLE, '').trim();
  if (s.length > max) {
    s = s.slice(0, max);
    // Never cut a surrogate pair in half.
    if (/[\ud800-\udbff]$/.test(s)) s = s.slice(0, -1);
  }
  return s === '' ? null : s;
}

/**
 * The deep link the visitor asked for, carrying the destination's tracking
 * parameters (e.g. `cid={click_id}`) the deep link does not set itself, so the
 * advertiser still receives the click id.
 */
export function deepLinkLocation(deepLink: URL, filledDestination: string): string {
  const target = new URL(deepLink.href);
  let dest: URL;
  try {
    dest = new URL(filledDestination);
  } catch {
    return target.href;
  }
  // Raw segments are copied as they are, so neither URL's own encoding is rewritten.
  const extra = dest.search
    .slice(1)
    .split('&')
    .filter((seg) => {
      if (!seg) return false;
      const name = new URLSearchParams(seg).keys().next().value;
      return name !== undefined && !target.searchParams.has(name);
    });
  if (extra.length) target.search = target.search ? `${target.search}&${extra.join('&')}` : `?${extra.join('&')}`;
  return target.href;
}
