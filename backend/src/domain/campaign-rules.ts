import { z } from 'zod';
import { DESTINATION_MACROS, hasMacroInOrigin, isCurrencyCode, isValidUrlTemplate, MACROS_ONLY_IN_PATH, MAX_AMOUNT_CENTS, MAX_BPS } from '@offerly/contract';
import { ipAllowListSchema } from './ip-allow-list';
import { PAYOUT_MODELS, requiredTermFields } from './payout-models';

export const CAMPAIGN_STATUSES = ['active', 'paused', 'archived'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const APPROVAL_MODES = ['auto', 'manual'] as const;

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
  });

export const capsSchema = z
  .object({
    dailyConversions: positiveInt.nullable().default(null),
    totalConversions: positiveInt.nullable().default(null),
    dailyBudgetCents: cents.nullable().default(null),
    totalBudgetCents: cents.nullable().default(null),
  })
  .strict();

export type Caps = z.infer<typeof capsSchema>;

/** Edits name only the caps they change; the others keep their values. */
const capsPatchSchema = z
  .object({
    dailyConversions: positiveInt.nullable(),
    totalConversions: positiveInt.nullable(),
    dailyBudgetCents: cents.nullable(),
    totalBudgetCents: cents.nullable(),
  })
  .partial()
  .strict();

const currency = z.string().toUpperCase().refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code such as USD' });
const attributionWindowDays = z.number().int().min(1).max(365);

/**
 * Every campaign field without defaults: edits name only what they change,
 * and zod's `.partial()` still fills in a field's default, which would reset
 * an unnamed field (an EUR campaign back to USD) on every edit.
 */
const editableFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000),
  destinationUrl: destination,
  fallbackUrl: plainUrl.nullable(),
  allowDeepLink: z.boolean(),
  currency,
  payoutModel: z.enum(PAYOUT_MODELS),
  revenueCents: cents.nullable(),
  payoutCents: cents.nullable(),
  revenueBps: bps.nullable(),
  payoutBps: bps.nullable(),
  attributionWindowDays,
  approvalMode: z.enum(APPROVAL_MODES),
  autoApproveAfterDays: z.number().int().min(0).max(365).nullable(),
  minClickToConversionSeconds: z.number().int().min(0).max(86_400),
  oneConversionPerClick: z.boolean(),
  trackSub1: z.boolean(),
  /** Where the advertiser's postbacks may come from; empty: anywhere (the token alone decides). */
  postbackAllowedIps: ipAllowListSchema,
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
  caps: capsSchema.default({ dailyConversions: null, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null }),
  attributionWindowDays: attributionWindowDays.default(30),
  approvalMode: editableFields.approvalMode.default('auto'),
  autoApproveAfterDays: editableFields.autoApproveAfterDays.default(null),
  minClickToConversionSeconds: editableFields.minClickToConversionSeconds.default(0),
  oneConversionPerClick: editableFields.oneConversionPerClick.default(true),
  trackSub1: editableFields.trackSub1.default(false),
  postbackAllowedIps: editableFields.postbackAllowedIps.optional(),
};

type TermsLike = {
  payoutModel?: (typeof PAYOUT_MODELS)[number] | undefined;
  revenueCents?: number | null | undefined;
  payoutCents?: number | null | undefined;
  revenueBps?: number | null | undefined;
  payoutBps?: number | null | undefined;
};

/** Cross-field rule: the fields a payout model needs must be present. */
export function termProblems(t: TermsLike): Array<{ path: string; message: string }> {
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
export function marginProblems(t: MarginTerms): Array<{ path: string; message: string }> {
  if (t.allowNegativeMargin || !t.payoutModel) return [];
  const cps = t.payoutModel === 'CPS';
  const field = cps ? 'payoutBps' : 'payoutCents';
  const revenueField = cps ? 'revenueBps' : 'revenueCents';
  const revenue = t[revenueField] ?? 0;
  const message = (v: number) => `${v} is more than ${revenueField} (${revenue}); only an admin can allow a negative margin`;
  const out: Array<{ path: string; message: string }> = [];
  const payout = t[field];
  if (payout !== null && payout !== undefined && payout > revenue) out.push({ path: field, message: message(payout) });
  for (const o of t.overrides ?? []) {
    const v = o[field];
    if (v !== null && v !== undefined && v > revenue) out.push({ path: `overrides.${o.affiliateId}.${field}`, message: `override ${message(v)}` });
  }
  return out;
}

export const campaignCreateSchema = z
  .object(campaignFields)
  .strict()
  .superRefine((v, ctx) => {
    for (const p of termProblems(v)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
    for (const p of marginProblems(v)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });

export type CampaignCreateInput = z.infer<typeof campaignCreateSchema>;

/** Edits: every field optional, currency fixed once events exist (see the route). */
export const campaignUpdateSchema = z
  // allowNegativeMargin: admins only (permissions.canAllowNegativeMargin).
  .object({ ...editableFields, caps: capsPatchSchema, allowNegativeMargin: z.boolean() })
  .partial()
  .strict();

export type CampaignUpdateInput = z.infer<typeof campaignUpdateSchema>;

export const overrideSchema = z
  .object({ payoutCents: cents.nullable().default(null), payoutBps: bps.nullable().default(null) })
  .strict()
  .refine((o) => o.payoutCents !== null || o.payoutBps !== null, { message: 'set payoutCents or payoutBps' });

/** Status transitions a campaign allows; archived is final. */
export function canTransition(from: CampaignStatus, to: CampaignStatus): boolean {
  if (from === to) return false;
  if (from === 'archived') return false;
  return true;
}
