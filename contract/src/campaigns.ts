import { z } from 'zod';
import { Currency, Instant, MinorUnits, ObjectId, pagedOf, pageQuery, SortOrder } from './common';
import { isCurrencyCode, MAX_AMOUNT_CENTS, MAX_BPS } from './currency';
import { DESTINATION_MACROS, hasMacroInOrigin, isValidUrlTemplate, MACROS_ONLY_IN_PATH } from './macros';

/* ---------- terms and rules ---------- */

export const CAMPAIGN_STATUSES = ['active', 'paused', 'archived'] as const;
export const CampaignStatus = z.enum(CAMPAIGN_STATUSES).meta({
  id: 'CampaignStatus',
  description: '`active` takes traffic; `paused` sends clicks to the fallback URL; `archived` is final (no edits, secrets or overrides)',
});
export type CampaignStatus = z.infer<typeof CampaignStatus>;

export const APPROVAL_MODES = ['auto', 'manual'] as const;
export const ApprovalMode = z.enum(APPROVAL_MODES).meta({
  id: 'ApprovalMode',
  description: '`auto`: conversions are approved as they arrive; `manual`: they wait for the advertiser (or `autoApproveAfterDays`)',
});
export type ApprovalMode = z.infer<typeof ApprovalMode>;

export const PAYOUT_MODELS = ['CPA', 'CPL', 'CPS', 'CPC'] as const;
export const PayoutModel = z.enum(PAYOUT_MODELS).meta({
  id: 'PayoutModel',
  description: 'CPA, CPL: a fixed amount per conversion; CPS: basis points of the sale amount; CPC: a fixed amount per unique valid click',
});
export type PayoutModel = z.infer<typeof PayoutModel>;

/** The revenue and payout fields of a campaign's terms. */
export type TermField = 'revenueCents' | 'payoutCents' | 'revenueBps' | 'payoutBps';

/** Which fields a model needs: basis points for CPS, minor units for the others. */
export function requiredTermFields(model: PayoutModel): TermField[] {
  return model === 'CPS' ? ['revenueBps', 'payoutBps'] : ['revenueCents', 'payoutCents'];
}

export type TermProblem = { path: string; message: string };

type TermsLike = {
  payoutModel?: PayoutModel | undefined;
  revenueCents?: number | null | undefined;
  payoutCents?: number | null | undefined;
  revenueBps?: number | null | undefined;
  payoutBps?: number | null | undefined;
};

/** Cross-field rule: the fields a payout model needs must be present. */
export function termProblems(t: TermsLike): TermProblem[] {
  if (!t.payoutModel) return [];
  return requiredTermFields(t.payoutModel)
    .filter((f) => t[f] === null || t[f] === undefined)
    .map((f) => ({ path: f, message: `required for the ${t.payoutModel} payout model` }));
}

export interface MarginTerms extends TermsLike {
  overrides?: ReadonlyArray<{ affiliateId: string; payoutCents?: number | null; payoutBps?: number | null }>;
  allowNegativeMargin?: boolean | null;
}

/**
 * Payout above revenue makes Offerly pay an affiliate more than the advertiser
 * pays it: money out of nothing. Refused for the campaign's payout and every
 * per-affiliate override (cents for fixed models and CPC, basis points for
 * CPS), unless an admin allowed a negative margin on the campaign.
 */
export function marginProblems(t: MarginTerms): TermProblem[] {
  if (t.allowNegativeMargin || !t.payoutModel) return [];
  const cps = t.payoutModel === 'CPS';
  const field = cps ? 'payoutBps' : 'payoutCents';
  const revenueField = cps ? 'revenueBps' : 'revenueCents';
  const revenue = t[revenueField] ?? 0;
  const message = (v: number) => `${v} is more than ${revenueField} (${revenue}); only an admin can allow a negative margin`;
  const out: TermProblem[] = [];
  const payout = t[field];
  if (payout !== null && payout !== undefined && payout > revenue) out.push({ path: field, message: message(payout) });
  for (const o of t.overrides ?? []) {
    const v = o[field];
    if (v !== null && v !== undefined && v > revenue) out.push({ path: `overrides.${o.affiliateId}.${field}`, message: `override ${message(v)}` });
  }
  return out;
}

/* ---------- requests ---------- */

const cents = z.number().int().min(0).max(MAX_AMOUNT_CENTS);
const bps = z.number().int().min(0).max(MAX_BPS);
const positiveInt = z.number().int().min(1).max(1_000_000_000);
const plainUrl = z.url({ protocol: /^https?$/ }).max(2048);

const destination = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => !hasMacroInOrigin(s), { message: MACROS_ONLY_IN_PATH, abort: true })
  .refine((s) => isValidUrlTemplate(s, DESTINATION_MACROS), {
    message: 'must be an absolute http(s) URL; macros such as {click_id} and {sub1} are allowed',
  })
  .meta({
    description: `Landing page template: an absolute http(s) URL; the macros ${DESTINATION_MACROS.map((m) => `{${m}}`).join(' ')} are filled per click, in the path, query or fragment only`,
    example: 'https://shop.example.com/landing?click={click_id}&s={sub1}',
  });

const capFields = {
  dailyConversions: positiveInt.nullable().meta({ description: 'Conversions per UTC day; null: no cap' }),
  totalConversions: positiveInt.nullable().meta({ description: 'Conversions over the campaign’s life; null: no cap' }),
  dailyBudgetCents: cents.nullable().meta({ description: 'Payout per UTC day, in minor units; null: no budget' }),
  totalBudgetCents: cents.nullable().meta({ description: 'Payout over the campaign’s life, in minor units; null: no budget' }),
};

/** Caps of a new campaign: those not named are off. */
export const CampaignCapsInput = z
  .object({
    dailyConversions: capFields.dailyConversions.default(null),
    totalConversions: capFields.totalConversions.default(null),
    dailyBudgetCents: capFields.dailyBudgetCents.default(null),
    totalBudgetCents: capFields.totalBudgetCents.default(null),
  })
  .strict();

/** Edits name only the caps they change; the others keep their values. */
export const CampaignCapsPatch = z.object(capFields).partial().strict();

const currency = z
  .string()
  .toUpperCase()
  .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code such as USD' })
  .meta({ description: 'ISO 4217 code (any case); fixed once the campaign has conversions', example: 'USD' });
const attributionWindowDays = z.number().int().min(1).max(365).meta({ description: 'How many days after a click a conversion is still credited to it' });

/** Enough for an advertiser's server farm; a longer list is a sign of pasting the wrong thing. */
export const MAX_ALLOWED_IPS = 50;

/**
 * Where the advertiser's postbacks may come from. The API checks and
 * normalises every entry (one spelling per range, duplicates dropped).
 */
export const PostbackAllowedIps = z
  .array(z.string().trim().max(64))
  .max(MAX_ALLOWED_IPS)
  .meta({ description: `IPv4 or IPv6 addresses and CIDR ranges (at most ${MAX_ALLOWED_IPS}) postbacks must come from; empty: anywhere (the token alone decides)`, example: ['203.0.113.0/24'] });

/**
 * Every campaign field without defaults: edits name only what they change,
 * and zod's `.partial()` still fills in a field's default, which would reset
 * an unnamed field (an EUR campaign back to USD) on every edit.
 */
const editableFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).meta({ description: 'Shown to affiliates with the offer' }),
  destinationUrl: destination,
  fallbackUrl: plainUrl.nullable().meta({ description: 'Where clicks go while the campaign cannot take traffic (paused, archived, capped, advertiser not approved); null: a small page says the offer is closed' }),
  allowDeepLink: z.boolean().meta({ description: 'Whether a tracking link may carry `url=` to another page of the destination’s own site' }),
  currency,
  payoutModel: PayoutModel,
  revenueCents: cents.nullable().meta({ description: 'What the advertiser pays per conversion (CPA, CPL) or unique click (CPC), in minor units; null for CPS' }),
  payoutCents: cents.nullable().meta({ description: 'What the affiliate earns per conversion or unique click, in minor units; null for CPS' }),
  revenueBps: bps.nullable().meta({ description: 'CPS: the advertiser’s share of each sale, in basis points (1250 = 12.5 %); null otherwise' }),
  payoutBps: bps.nullable().meta({ description: 'CPS: the affiliate’s share of each sale, in basis points; null otherwise' }),
  attributionWindowDays,
  approvalMode: ApprovalMode,
  autoApproveAfterDays: z.number().int().min(0).max(365).nullable().meta({ description: 'Manual approval: pending conversions older than this are approved by the platform; null: never' }),
  minClickToConversionSeconds: z.number().int().min(0).max(86_400).meta({ description: 'Conversions sooner than this after their click are refused as implausible' }),
  oneConversionPerClick: z.boolean().meta({ description: 'true: a click converts once; false: once per transaction id' }),
  trackSub1: z.boolean().meta({ description: 'Whether reports break this campaign’s traffic down by sub1' }),
  postbackAllowedIps: PostbackAllowedIps,
};

/** A new campaign: what is not named takes its default. */
const campaignFields = {
  ...editableFields,
  description: editableFields.description.default(''),
  fallbackUrl: editableFields.fallbackUrl.default(null),
  allowDeepLink: editableFields.allowDeepLink.default(false),
  currency: currency.default('USD'),
  revenueCents: editableFields.revenueCents.default(null),
  payoutCents: editableFields.payoutCents.default(null),
  revenueBps: editableFields.revenueBps.default(null),
  payoutBps: editableFields.payoutBps.default(null),
  caps: CampaignCapsInput.default({ dailyConversions: null, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null }),
  attributionWindowDays: attributionWindowDays.default(30),
  approvalMode: editableFields.approvalMode.default('auto'),
  autoApproveAfterDays: editableFields.autoApproveAfterDays.default(null),
  minClickToConversionSeconds: editableFields.minClickToConversionSeconds.default(0),
  oneConversionPerClick: editableFields.oneConversionPerClick.default(true),
  trackSub1: editableFields.trackSub1.default(false),
  postbackAllowedIps: editableFields.postbackAllowedIps.optional(),
  advertiserId: ObjectId.optional().meta({ description: 'Admins only, and required for them: the approved advertiser the campaign is created for (recorded in its history). Advertisers leave it out.' }),
};

/** A new campaign; the fields its payout model needs must be set, and payouts may not exceed revenue. */
export const CampaignCreateBody = z
  .object(campaignFields)
  .strict()
  .superRefine((v, ctx) => {
    for (const p of termProblems(v)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
    for (const p of marginProblems(v)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });
export type CampaignCreateBody = z.infer<typeof CampaignCreateBody>;

/** An edit: every field optional; the merged terms are checked again by the API. */
export const CampaignUpdateBody = z
  .object({
    ...editableFields,
    caps: CampaignCapsPatch,
    allowNegativeMargin: z.boolean().meta({ description: 'Admins only: payouts (and overrides) may exceed revenue' }),
  })
  .partial()
  .strict();
export type CampaignUpdateBody = z.infer<typeof CampaignUpdateBody>;

/** One affiliate's payout on a campaign: minor units for CPA, CPL and CPC, basis points for CPS. */
export const PayoutOverrideBody = z
  .object({
    payoutCents: cents.nullable().default(null).meta({ description: 'CPA, CPL, CPC: this affiliate’s payout in minor units' }),
    payoutBps: bps.nullable().default(null).meta({ description: 'CPS: this affiliate’s share of each sale in basis points' }),
  })
  .strict()
  .refine((o) => o.payoutCents !== null || o.payoutBps !== null, { message: 'set payoutCents or payoutBps' });
export type PayoutOverrideBody = z.infer<typeof PayoutOverrideBody>;

export const OverrideParams = z.strictObject({ id: ObjectId, affiliateId: ObjectId.meta({ description: 'The affiliate the payout is for' }) });

export const CAMPAIGN_SORT_FIELDS = ['createdAt', 'name', 'status', 'payoutModel', 'attributionWindowDays'] as const;
export type CampaignSortField = (typeof CAMPAIGN_SORT_FIELDS)[number];

export const CampaignListQuery = z.strictObject({
  ...pageQuery,
  sort: z.enum(CAMPAIGN_SORT_FIELDS).optional().meta({ description: 'Default: createdAt, newest first' }),
  order: SortOrder.optional().meta({ description: 'Default: ascending when `sort` is named' }),
  status: CampaignStatus.optional().meta({ description: 'Affiliates may only ask for `active` (what they always get)' }),
  advertiserId: ObjectId.optional().meta({ description: 'Admins only: one advertiser’s campaigns (ignored for other roles)' }),
  payoutModel: PayoutModel.optional(),
  q: z.string().trim().max(100).optional().meta({ description: 'Case-insensitive part of the name' }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv`: every matching campaign (up to 5,000) as a CSV file, in the same order, ignoring paging' }),
});
export type CampaignListQuery = z.infer<typeof CampaignListQuery>;

/* ---------- responses ---------- */

export const CampaignCaps = z
  .strictObject({
    dailyConversions: z.number().int().nullable().meta({ description: 'Conversions per UTC day; null: no cap' }),
    totalConversions: z.number().int().nullable().meta({ description: 'Conversions over the campaign’s life; null: no cap' }),
    dailyBudgetCents: MinorUnits.nullable().meta({ description: 'Payout per UTC day; null: no budget' }),
    totalBudgetCents: MinorUnits.nullable().meta({ description: 'Payout over the campaign’s life; null: no budget' }),
  })
  .meta({ id: 'CampaignCaps' });
export type CampaignCaps = z.infer<typeof CampaignCaps>;

export const PayoutOverride = z
  .strictObject({
    affiliateId: ObjectId,
    payoutCents: MinorUnits.nullable().meta({ description: 'CPA, CPL, CPC: the affiliate’s payout instead of the campaign’s' }),
    payoutBps: z.number().int().nullable().meta({ description: 'CPS: the affiliate’s share of each sale instead of the campaign’s' }),
  })
  .meta({ id: 'PayoutOverride' });
export type PayoutOverride = z.infer<typeof PayoutOverride>;

/** What every role sees of a campaign. */
const campaignCommon = {
  id: ObjectId,
  name: z.string(),
  description: z.string(),
  status: CampaignStatus,
  currency: Currency,
  payoutModel: PayoutModel,
  attributionWindowDays: z.number().int(),
  allowDeepLink: z.boolean(),
  caps: CampaignCaps,
  createdAt: Instant,
  updatedAt: Instant,
};

export const CampaignChange = z
  .strictObject({
    at: Instant,
    action: z.enum(['created', 'edited', 'paused', 'resumed', 'archived']),
    by: ObjectId.meta({ description: 'The account that made the change' }),
    byName: z.string().nullable().meta({ description: 'That account’s name (null if it is gone)' }),
    byRole: z.enum(['admin', 'advertiser']).meta({ description: '`admin`: an admin acted on the advertiser’s behalf' }),
    forAdvertiser: ObjectId.meta({ description: 'The advertiser the change was made for' }),
    changed: z.array(z.string()).meta({ description: 'The fields an edit changed (`caps.<cap>` for a cap, `status` for a pause, resume or archive); empty for a creation and for entries recorded before fields were kept' }),
  })
  .meta({ id: 'CampaignChange', description: 'Who created, edited, paused, resumed or archived a campaign, and for which advertiser' });
export type CampaignChange = z.infer<typeof CampaignChange>;

export const ManagedCampaign = z
  .strictObject({
    ...campaignCommon,
    advertiserId: ObjectId,
    advertiserName: z.string().nullable().meta({ description: 'The advertiser’s account name; null if the account no longer exists' }),
    destinationUrl: z.string().meta({ description: 'Landing page template with its macros' }),
    fallbackUrl: z.string().nullable(),
    revenueCents: MinorUnits.nullable(),
    payoutCents: MinorUnits.nullable(),
    revenueBps: z.number().int().nullable().meta({ description: 'CPS: basis points of each sale' }),
    payoutBps: z.number().int().nullable().meta({ description: 'CPS: basis points of each sale' }),
    approvalMode: ApprovalMode,
    autoApproveAfterDays: z.number().int().nullable(),
    minClickToConversionSeconds: z.number().int(),
    oneConversionPerClick: z.boolean(),
    trackSub1: z.boolean(),
    overrides: z.array(PayoutOverride).meta({ description: 'Per-affiliate payouts' }),
    allowNegativeMargin: z.boolean().meta({ description: 'Set by an admin: payouts may exceed revenue' }),
    postbackSecret: z.string().meta({ description: 'The token of the advertiser’s postback URL' }),
    previousSecretValidUntil: Instant.nullable().meta({ description: 'After a rotation the previous secret works until then' }),
    postbackUrl: z.string().meta({ description: 'The postback URL the advertiser’s server calls, with the macros its platform fills in' }),
    postbackAllowedIps: z.array(z.string()).meta({ description: 'Addresses and CIDR ranges postbacks must come from; empty: anywhere' }),
    history: z.array(CampaignChange).meta({ description: 'Creation, edits and status changes, oldest first (campaigns created before the history existed start empty; before edits by advertisers and status changes were kept, only admins’ edits were)' }),
  })
  .meta({ id: 'ManagedCampaign', description: 'A campaign as its advertiser and admins see it' });
export type ManagedCampaign = z.infer<typeof ManagedCampaign>;

export const CampaignOffer = z
  .strictObject({
    ...campaignCommon,
    payoutCents: MinorUnits.nullable().meta({ description: 'What this affiliate earns per conversion or unique click (its override if it has one); null for CPS' }),
    payoutBps: z.number().int().nullable().meta({ description: 'CPS: this affiliate’s share of each sale in basis points; null otherwise' }),
    previewUrl: z.string().nullable().meta({ description: 'The landing page’s origin (never the advertiser’s full template)' }),
  })
  .meta({ id: 'CampaignOffer', description: 'A campaign as affiliates see it: no revenue, secrets or other affiliates’ terms' });
export type CampaignOffer = z.infer<typeof CampaignOffer>;

export const Campaign = z.union([ManagedCampaign, CampaignOffer]).meta({ id: 'Campaign', description: 'Advertisers and admins get a ManagedCampaign, affiliates a CampaignOffer' });
export type Campaign = z.infer<typeof Campaign>;

export const CampaignEnvelope = z.strictObject({ campaign: Campaign }).meta({ id: 'CampaignEnvelope' });
export type CampaignEnvelope = z.infer<typeof CampaignEnvelope>;

export const CampaignPage = pagedOf(Campaign).meta({ id: 'CampaignPage' });
export type CampaignPage = z.infer<typeof CampaignPage>;
