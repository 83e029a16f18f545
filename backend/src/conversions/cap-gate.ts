import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import type { CampaignCounterDoc } from '../db/models/campaign-counter';
import { budgetExhausted, nextSpendCents } from '../domain/click-rules';
import { publishInvalidation } from '../tracking/cache-bus';

/**
 * The caps and budget gate. Each campaign has one counter document per UTC
 * day and one lifetime; a conversion takes a place with one conditional $inc
 * per document (`conversions < cap`, `spendCents <= budget - revenue`), so
 * concurrent conversions can never push a counter past its limit. Spend is
 * what the advertiser pays (revenue).
 */
export type GateFailure = 'cap_reached' | 'budget_exhausted';
export type GateResult = { ok: true; reached: boolean } | { ok: false; reason: GateFailure };

export const TOTAL_DAY = 'total';
export const counterId = (campaignId: string, day: string) => `${campaignId}|${day}`;

/** `next`: what the campaign's next conversion would spend, so a budget it cannot fit counts as full. */
type Limits = { cap: number | null; budget: number | null; next: number };
type GatedCampaign = Pick<CampaignDoc, '_id' | 'caps' | 'payoutModel' | 'revenueCents'>;

const limitsOf = (c: GatedCampaign) => {
  const next = nextSpendCents(c);
  return {
    daily: { cap: c.caps.dailyConversions, budget: c.caps.dailyBudgetCents, next },
    total: { cap: c.caps.totalConversions, budget: c.caps.totalBudgetCents, next },
  };
};

const counters = (ctx: AppContext) => ctx.db.collection<CampaignCounterDoc>(ctx.models.CampaignCounter.collection.collectionName);

function isFull(doc: Pick<CampaignCounterDoc, 'conversions' | 'spendCents'>, l: Limits): boolean {
  return (l.cap !== null && doc.conversions >= l.cap) || budgetExhausted(l.budget, doc.spendCents, l.next);
}

async function takeOne(ctx: AppContext, campaignId: string, day: string, l: Limits, revenueCents: number): Promise<GateResult> {
  const _id = counterId(campaignId, day);
  const inc = { $inc: { conversions: 1, spendCents: revenueCents } };
  if (l.cap === null && l.budget === null) {
    await counters(ctx).updateOne({ _id }, { ...inc, $setOnInsert: { campaignId, day } }, { upsert: true });
    return { ok: true, reached: false };
  }
  const filter: Record<string, unknown> = { _id };
  if (l.cap !== null) filter.conversions = { $lt: l.cap };
  if (l.budget !== null) filter.spendCents = { $lte: l.budget - revenueCents };
  for (let i = 0; i < 5; i++) {
    const doc = await counters(ctx).findOneAndUpdate(filter, inc, { returnDocument: 'after' });
    if (doc) return { ok: true, reached: isFull(doc, l) };
    const cur = await counters(ctx).findOne({ _id });
    if (!cur) {
      await counters(ctx).updateOne({ _id }, { $setOnInsert: { campaignId, day, conversions: 0, spendCents: 0 } }, { upsert: true });
      continue;
    }
    if (l.cap !== null && cur.conversions >= l.cap) return { ok: false, reason: 'cap_reached' };
    if (l.budget !== null && cur.spendCents > l.budget - revenueCents) return { ok: false, reason: 'budget_exhausted' };
    // A place was released between the update and the read: try again.
  }
  return { ok: false, reason: l.cap !== null ? 'cap_reached' : 'budget_exhausted' };
}

async function giveBack(ctx: AppContext, campaignId: string, day: string, revenueCents: number): Promise<void> {
  await counters(ctx).updateOne({ _id: counterId(campaignId, day) }, { $inc: { conversions: -1, spendCents: -revenueCents } });
}

/**
 * Takes one place under the daily and lifetime caps and budgets of the
 * campaign for a conversion on `day`. When a limit is reached (by this
 * conversion or because it did not fit), the click path is told to reload the
 * campaign so new clicks go to the fallback URL.
 */
export async function takeCapPlace(ctx: AppContext, c: GatedCampaign, day: string, revenueCents: number): Promise<GateResult> {
  const limits = limitsOf(c);
  const daily = await takeOne(ctx, c._id, day, limits.daily, revenueCents);
  if (!daily.ok) {
    await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
    return daily;
  }
  const total = await takeOne(ctx, c._id, TOTAL_DAY, limits.total, revenueCents);
  if (!total.ok) {
    // A crash right here would keep the daily place taken: caps err on the safe side.
    await giveBack(ctx, c._id, day, revenueCents);
    await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
    return total;
  }
  if (daily.reached || total.reached) await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
  return { ok: true, reached: daily.reached || total.reached };
}

/** Gives a place back (a conversion was rejected); the campaign may take clicks again. */
export async function releaseCapPlace(ctx: AppContext, campaignId: string, day: string, revenueCents: number): Promise<void> {
  await giveBack(ctx, campaignId, day, revenueCents);
  await giveBack(ctx, campaignId, TOTAL_DAY, revenueCents);
  await publishInvalidation(ctx, { kind: 'campaign', id: campaignId });
}

/** Read-only: would a conversion fit now? Used by test postbacks, which take no place. */
export async function capPlaceAvailable(ctx: AppContext, c: GatedCampaign, day: string, revenueCents: number): Promise<GateResult> {
  const limits = limitsOf(c);
  const checks: Array<[string, Limits]> = [
    [day, limits.daily],
    [TOTAL_DAY, limits.total],
  ];
  for (const [d, l] of checks) {
    const cur = (await counters(ctx).findOne({ _id: counterId(c._id, d) })) ?? { conversions: 0, spendCents: 0 };
    if (l.cap !== null && cur.conversions >= l.cap) return { ok: false, reason: 'cap_reached' };
    if (l.budget !== null && cur.spendCents > l.budget - revenueCents) return { ok: false, reason: 'budget_exhausted' };
  }
  return { ok: true, reached: false };
}
