import { marginProblems, termProblems, type Campaign, type CampaignCaps, type ManagedCampaign } from '@offerly/contract';
import { accountNames } from '../accounts/account-names';
import type { AppContext } from '../context';
import type { CampaignChangeDoc, CampaignDoc } from '../db/models/campaign';
import { campaignEntry, putCampaignEntry, sameListing, syncCampaignEntry } from './campaign-directory';
import { forgetCampaignTokens } from '../conversions/campaign-by-token';
import { backfillConversionList, CONVERSION_LIST } from '../conversions/conversion-list';
import { readScope } from '../db/list-buckets';
import { newSecret } from '../db/ids';
import { indexPostbackToken } from '../db/postback-tokens';
import { changedFields } from '../domain/campaign-history';
import { canTransition, type CampaignCreateInput, type CampaignStatus, type CampaignUpdateInput } from '../domain/campaign-rules';
import { ApiError, forbidden, notFound } from '../domain/errors';
import { canManageCampaign, canSeeCampaign, type Principal } from '../domain/permissions';
import { postbackUrlTemplate as postbackUrl } from '../domain/tracking-urls';
import { publishInvalidation } from '../cache-bus/invalidations';

/** After a rotation the old postback secret keeps working this long, so advertisers can switch over. */
export const SECRET_ROTATION_GRACE_MS = 24 * 3_600_000;

/** Enough for every editor of one campaign's overrides at once to get through. */
const OVERRIDE_ATTEMPTS = 25;

export async function createCampaign(ctx: AppContext, advertiserId: string, input: Omit<CampaignCreateInput, 'advertiserId'>, created?: CampaignChangeDoc): Promise<CampaignDoc> {
  const doc = await ctx.models.Campaign.create({ ...input, advertiserId, status: 'active', postbackSecret: newSecret(), history: created ? [created] : [] });
  return doc.toObject() as CampaignDoc;
}

/**
 * Which of these advertisers may receive traffic (approved: not pending, rejected or
 * suspended). One read by _id per distinct advertiser, so a page costs what it shows.
 */
export async function approvedAdvertisers(ctx: AppContext, ids: Iterable<string>): Promise<Set<string>> {
  const users = await Promise.all([...new Set(ids)].map((id) => ctx.models.User.findById(id, { status: 1, role: 1 }).lean()));
  return new Set(users.flatMap((u) => (u && u.role === 'advertiser' && u.status === 'approved' ? [u._id] : [])));
}

export async function loadCampaign(ctx: AppContext, p: Principal, id: string, mode: 'see' | 'manage'): Promise<CampaignDoc> {
  const c = (await ctx.models.Campaign.findById(id).lean()) as CampaignDoc | null;
  // Affiliates see only offers that can take traffic: an advertiser awaiting approval or suspended has none.
  const hidden = c !== null && p.role === 'affiliate' && !(await approvedAdvertisers(ctx, [c.advertiserId])).has(c.advertiserId);
  // Campaigns a caller may not see answer 404, so ids of other advertisers' campaigns do not leak.
  if (!c || hidden || !canSeeCampaign(p, c)) {
    if (c && mode === 'manage' && p.role === 'affiliate') throw forbidden();
    throw notFound('Campaign');
  }
  if (mode === 'manage' && !canManageCampaign(p, c)) throw forbidden('Only the campaign’s advertiser or an admin can change it');
  return c;
}

const refuseArchived = (c: CampaignDoc, what: string) => {
  if (c.status === 'archived') throw new ApiError('conflict', `Archived campaigns cannot ${what}`);
};

/**
 * Whether a campaign has conversions: its conversions list scope (one read by
 * `_id`) has a first day once one was listed. A conversion is listed before it
 * is stored, so a crash in between errs on the side of keeping the currency.
 */
async function hasConversions(ctx: AppContext, campaignId: string): Promise<boolean> {
  await backfillConversionList(ctx.db);
  return Boolean((await readScope(ctx.db, CONVERSION_LIST, `camp:${campaignId}`))?.first);
}

/** `change`: the history entry the edit leaves (who, for which advertiser); it names the fields that changed, and an edit that changes nothing leaves none. */
export async function updateCampaign(ctx: AppContext, c: CampaignDoc, patch: CampaignUpdateInput, by: string, change?: CampaignChangeDoc): Promise<CampaignDoc> {
  refuseArchived(c, 'be edited');
  if (patch.currency && patch.currency !== c.currency && (await hasConversions(ctx, c._id))) {
    throw new ApiError('conflict', 'The currency cannot change once the campaign has conversions', [{ path: 'currency', message: 'fixed after the first conversion' }]);
  }
  const merged = { ...c, ...patch };
  const problems = termProblems(merged);
  if (problems.length) throw new ApiError('validation_failed', 'Payout terms are incomplete', problems);
  const margin = marginProblems(merged);
  if (margin.length) throw new ApiError('validation_failed', 'Payout exceeds revenue', margin);
  // A change the campaigns list shows (name, payout model, attribution window) is listed before it is stored.
  const listed = !sameListing(campaignEntry(c, 0), campaignEntry(merged, 0));
  if (listed) await putCampaignEntry(ctx.db, merged, 0);
  const $set: Record<string, unknown> = {};
  if (patch.allowNegativeMargin !== undefined) Object.assign($set, { negativeMarginSetBy: by, negativeMarginSetAt: new Date() });
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'caps' && v && typeof v === 'object') {
      for (const [ck, cv] of Object.entries(v)) $set[`caps.${ck}`] = cv;
    } else {
      $set[k] = v;
    }
  }
  const changed = changedFields(c, patch);
  const update = change && changed.length ? { $set, $push: { history: { ...change, changed } } } : { $set };
  const updated = (await ctx.models.Campaign.findByIdAndUpdate(c._id, update, { returnDocument: 'after' }).lean()) as CampaignDoc | null;
  if (!updated) throw notFound('Campaign');
  if (listed) await syncCampaignEntry(ctx.db, updated);
  await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
  forgetCampaignTokens(ctx, c._id);
  return updated;
}

/** `change`: the history entry the change leaves (who, for which advertiser). */
export async function changeCampaignStatus(ctx: AppContext, c: CampaignDoc, to: CampaignStatus, change?: CampaignChangeDoc): Promise<CampaignDoc> {
  if (!canTransition(c.status, to)) throw new ApiError('conflict', `Campaign is ${c.status}; cannot make it ${to}`);
  // Listed with its new status before it has it; set again from the stored campaign either way.
  await putCampaignEntry(ctx.db, { ...c, status: to }, 0);
  const update = change ? { $set: { status: to }, $push: { history: { ...change, changed: ['status'] } } } : { $set: { status: to } };
  const updated = (await ctx.models.Campaign.findOneAndUpdate({ _id: c._id, status: c.status }, update, { returnDocument: 'after' }).lean()) as CampaignDoc | null;
  if (!updated) {
    const stored = (await ctx.models.Campaign.findById(c._id).lean()) as CampaignDoc | null;
    if (stored) await syncCampaignEntry(ctx.db, stored);
    throw new ApiError('conflict', 'The campaign changed meanwhile; reload and retry');
  }
  await syncCampaignEntry(ctx.db, updated);
  await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
  return updated;
}

export async function rotatePostbackSecret(ctx: AppContext, c: CampaignDoc): Promise<CampaignDoc> {
  refuseArchived(c, 'get a new postback secret');
  const secret = newSecret();
  // Indexed before the campaign names it, so intake never meets a secret it cannot find by _id.
  await indexPostbackToken(ctx.db, secret, c._id);
  const updated = (await ctx.models.Campaign.findByIdAndUpdate(
    c._id,
    { $set: { postbackSecret: secret, previousPostbackSecret: c.postbackSecret, previousSecretValidUntil: new Date(Date.now() + SECRET_ROTATION_GRACE_MS) } },
    { returnDocument: 'after' },
  ).lean()) as CampaignDoc | null;
  if (!updated) throw notFound('Campaign');
  await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
  forgetCampaignTokens(ctx, c._id);
  return updated;
}

export async function setOverride(ctx: AppContext, c: CampaignDoc, affiliateId: string, override: { payoutCents: number | null; payoutBps: number | null } | null) {
  refuseArchived(c, 'change payouts');
  if (override) {
    const margin = marginProblems({ ...c, payoutCents: null, payoutBps: null, overrides: [{ affiliateId, ...override }] });
    if (margin.length) throw new ApiError('validation_failed', 'Payout exceeds revenue', margin.map((m) => ({ ...m, path: m.path.split('.').at(-1)! })));
    const aff = await ctx.models.User.exists({ _id: affiliateId, role: 'affiliate' });
    if (!aff) throw notFound('Affiliate');
  }
  // The list is rewritten whole, so the write is conditional on the version it was computed from:
  // two overrides set at once for different affiliates must both stay.
  let current: CampaignDoc | null = c;
  for (let attempt = 0; current && attempt < OVERRIDE_ATTEMPTS; attempt++) {
    const overrides = current.overrides.filter((o) => o.affiliateId !== affiliateId);
    if (override) overrides.push({ affiliateId, ...override });
    const version = current.overridesVersion ?? 0;
    const updated = (await ctx.models.Campaign.findOneAndUpdate(
      { _id: c._id, overridesVersion: version === 0 ? { $in: [0, null] } : version },
      { $set: { overrides, overridesVersion: version + 1 } },
      { returnDocument: 'after' },
    ).lean()) as CampaignDoc | null;
    if (updated) {
      await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
      return updated;
    }
    await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    current = (await ctx.models.Campaign.findById(c._id).lean()) as CampaignDoc | null;
    if (current) refuseArchived(current, 'change payouts');
  }
  if (!current) throw notFound('Campaign');
  throw new ApiError('conflict', 'The campaign changed meanwhile; reload and retry');
}

export function postbackUrlTemplate(ctx: AppContext, c: Pick<CampaignDoc, 'postbackSecret' | 'payoutModel'>): string {
  return postbackUrl(ctx.config.PUBLIC_TRACKING_URL, c.payoutModel, c.postbackSecret);
}

const iso = (d: Date | string) => new Date(d).toISOString();

type CommonField = 'id' | 'name' | 'description' | 'status' | 'currency' | 'payoutModel' | 'attributionWindowDays' | 'allowDeepLink' | 'caps' | 'createdAt' | 'updatedAt';

/** What every role sees; caps are listed whole (a cap a stored campaign lacks is off). */
function commonView(c: CampaignDoc): Pick<ManagedCampaign, CommonField> {
  const caps: Partial<CampaignCaps> = c.caps ?? {};
  return {
    id: c._id,
    name: c.name,
    description: c.description,
    status: c.status,
    currency: c.currency,
    payoutModel: c.payoutModel,
    attributionWindowDays: c.attributionWindowDays,
    allowDeepLink: c.allowDeepLink,
    caps: {
      dailyConversions: caps.dailyConversions ?? null,
      totalConversions: caps.totalConversions ?? null,
      dailyBudgetCents: caps.dailyBudgetCents ?? null,
      totalBudgetCents: caps.totalBudgetCents ?? null,
    },
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

/**
 * What each role sees of a campaign: affiliates never see revenue, secrets or
 * other affiliates' terms; advertisers and admins see the advertiser's name
 * (`advertiserName`, read by accountNames).
 */
export function campaignView(ctx: AppContext, c: CampaignDoc, p: Principal, names: Map<string, string>): Campaign {
  const advertiserName = names.get(c.advertiserId) ?? null;
  const common = commonView(c);
  if (p.role === 'affiliate') {
    const o = c.overrides.find((x) => x.affiliateId === p.id);
    return {
      ...common,
      payoutCents: c.payoutModel === 'CPS' ? null : (o?.payoutCents ?? c.payoutCents),
      payoutBps: c.payoutModel === 'CPS' ? (o?.payoutBps ?? c.payoutBps) : null,
      previewUrl: safePreview(c.destinationUrl),
    };
  }
  return {
    ...common,
    advertiserId: c.advertiserId,
    advertiserName,
    destinationUrl: c.destinationUrl,
    fallbackUrl: c.fallbackUrl,
    revenueCents: c.revenueCents,
    payoutCents: c.payoutCents,
    revenueBps: c.revenueBps,
    payoutBps: c.payoutBps,
    approvalMode: c.approvalMode,
    autoApproveAfterDays: c.autoApproveAfterDays,
    minClickToConversionSeconds: c.minClickToConversionSeconds,
    oneConversionPerClick: c.oneConversionPerClick,
    trackSub1: c.trackSub1,
    overrides: c.overrides.map((o) => ({ affiliateId: o.affiliateId, payoutCents: o.payoutCents ?? null, payoutBps: o.payoutBps ?? null })),
    allowNegativeMargin: c.allowNegativeMargin === true,
    postbackSecret: c.postbackSecret,
    previousSecretValidUntil: c.previousSecretValidUntil ? iso(c.previousSecretValidUntil) : null,
    postbackUrl: postbackUrlTemplate(ctx, c),
    postbackAllowedIps: c.postbackAllowedIps ?? [],
    history: (c.history ?? []).map((h) => ({
      at: iso(h.at),
      action: h.action,
      by: h.by,
      byName: names.get(h.by) ?? null,
      byRole: h.byRole,
      forAdvertiser: h.forAdvertiser,
      changed: h.changed ?? [],
    })),
  };
}

/**
 * Campaigns as a caller sees them, with the names of their advertisers and of
 * whoever their histories name (one read by `_id` per distinct account: a
 * page's advertisers and the few admins who acted for them; none for
 * affiliates, who are shown neither).
 */
export async function campaignViews(ctx: AppContext, cs: CampaignDoc[], p: Principal): Promise<Campaign[]> {
  const ids = cs.flatMap((c) => [c.advertiserId, ...(c.history ?? []).map((h) => h.by)]);
  const names = p.role === 'affiliate' ? new Map<string, string>() : await accountNames(ctx, ids);
  return cs.map((c) => campaignView(ctx, c, p, names));
}

/** One campaign as a caller sees it (campaignViews of one). */
export const campaignViewOf = async (ctx: AppContext, c: CampaignDoc, p: Principal): Promise<Campaign> => (await campaignViews(ctx, [c], p))[0]!;

/** Affiliates see the landing page's origin, not the advertiser's full template. */
function safePreview(template: string): string | null {
  try {
    return new URL(template.replace(/\{[a-z0-9_]+\}/gi, 'x')).origin;
  } catch {
    return null;
  }
}
