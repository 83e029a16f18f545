import { z } from 'zod';
import { Instant, ObjectId, cursorPagedOf } from './common';

/** A click id: 12 hex digits of its time in ms, then 20 random ones. */
const ClickId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a click id (32 hex digits)');

const clickLogPaging = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: ClickId.optional().meta({ description: 'The previous answer’s `nextCursor` (a click id); leave out for the newest clicks' }),
};

export const CampaignClickLogQuery = z.strictObject(clickLogPaging).meta({ id: 'CampaignClickLogQuery' });
export type CampaignClickLogQuery = z.input<typeof CampaignClickLogQuery>;

export const AffiliateClickLogQuery = z
  .strictObject({ ...clickLogPaging, affiliateId: ObjectId.optional().meta({ description: 'Required for admins; affiliates may only name themselves' }) })
  .meta({ id: 'AffiliateClickLogQuery' });
export type AffiliateClickLogQuery = z.input<typeof AffiliateClickLogQuery>;

const nullableText = z.string().nullable();

export const ClickLogEntry = z
  .strictObject({
    id: ClickId.meta({ description: 'The click id' }),
    at: Instant,
    linkId: z.string(),
    campaignId: ObjectId,
    affiliateId: ObjectId,
    sub1: nullableText,
    sub2: nullableText,
    sub3: nullableText,
    sub4: nullableText,
    sub5: nullableText,
    country: z.string().meta({ description: 'ISO 3166-1 alpha-2; `ZZ` when unknown', example: 'DE' }),
    device: z.string().meta({ description: 'desktop, mobile, tablet, tv, bot or unknown' }),
    os: z.string().meta({ example: 'Android' }),
    browser: z.string().meta({ example: 'Chrome' }),
    valid: z.boolean(),
    unique: z.boolean().meta({ description: 'Counted as the visitor’s unique click (valid clicks only)' }),
    reason: z.string().nullable().meta({ description: 'Why the click is invalid (bot, no_user_agent, head_request, campaign_paused, campaign_archived, affiliate_inactive, advertiser_inactive, cap_reached, budget_exhausted); null when valid' }),
  })
  .meta({ id: 'ClickLogEntry' });
export type ClickLogEntry = z.infer<typeof ClickLogEntry>;

export const ClickLogPage = cursorPagedOf(ClickLogEntry).meta({ id: 'ClickLogPage', description: 'Recent clicks, newest first; `total` is always null' });
export type ClickLogPage = z.infer<typeof ClickLogPage>;
