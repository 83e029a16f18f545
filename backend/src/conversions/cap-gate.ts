import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import type { CampaignCounterDoc } from '../db/models/campaign-counter';
import { budgetExhausted, nextSpendCents } from '../domain/click-rules';
import { publishInvalidation } from '../cache-bus/invalidations';
import { GroupCommit, perContext } from '../db/group-commit';
import { faultPoint } from '../fault-points';

/**
 * The caps and budget gate. Each campaign has one counter document per UTC
 * day and one lifetime; a conversion takes a place with one conditional $inc
 * per document (`conversions < cap`, `spendCents <= budget - revenue`), so
 * concurrent conversions can never push a counter past its limit. Spend is
 * what the advertiser pays (revenue). Conversions gated at the same time
 * share their $inc (group commit): one write per counter for a burst.
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

/** Of `revenues` in order, how many leading ones take a place: `reason` tells why the next one did not. */
interface Take {
  granted: number;
  reached: boolean;
  reason: GateFailure | null;
}

const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The longest prefix of `revenues` that fits on top of `cur`. */
function fitting(cur: Pick<CampaignCounterDoc, 'conversions' | 'spendCents'>, l: Limits, revenues: number[]): number {
  let m = 0;
  let spend = cur.spendCents;
  while (m < revenues.length && (l.cap === null || cur.conversions + m + 1 <= l.cap) && (l.budget === null || spend + revenues[m]! <= l.budget)) spend += revenues[m++]!;
  return m;
}

const failureOf = (doc: Pick<CampaignCounterDoc, 'conversions'>, l: Limits): GateFailure => ((l.cap !== null && doc.conversions >= l.cap) || l.budget === null ? 'cap_reached' : 'budget_exhausted');

/**
 * Takes places for `revenues` (in order) on one counter document with one
 * conditional $inc: all of them if they fit, else the prefix that fits
 * (read once), so a burst of postbacks costs one or two writes, not one
 * each. A later, smaller sale that would have fit a budget after a larger
 * one that did not is refused with it: the gate errs on the safe side.
 */
async function takeMany(ctx: AppContext, campaignId: string, day: string, l: Limits, revenues: number[]): Promise<Take> {
  const _id = counterId(campaignId, day);
  if (l.cap === null && l.budget === null) {
    await counters(ctx).updateOne({ _id }, { $inc: { conversions: revenues.length, spendCents: sumOf(revenues) }, $setOnInsert: { campaignId, day } }, { upsert: true });
    return { granted: revenues.length, reached: false, reason: null };
  }
  let want = revenues.length;
  for (let i = 0; i < 5; i++) {
    const spend = sumOf(revenues.slice(0, want));
    const filter: Record<string, unknown> = { _id };
    if (l.cap !== null) filter.conversions = { $lte: l.cap - want };
    if (l.budget !== null) filter.spendCents = { $lte: l.budget - spend };
    const doc = await counters(ctx).findOneAndUpdate(filter, { $inc: { conversions: want, spendCents: spend } }, { returnDocument: 'after' });
    if (doc) return { granted: want, reached: isFull(doc, l), reason: want < revenues.length ? failureOf(doc, l) : null };
    const cur = await counters(ctx).findOne({ _id });
    if (!cur) {
      await counters(ctx).updateOne({ _id }, { $setOnInsert: { campaignId, day, conversions: 0, spendCents: 0 } }, { upsert: true });
      continue;
    }
    want = fitting(cur, l, revenues);
    if (want === 0) return { granted: 0, reached: true, reason: failureOf(cur, l) };
    // Otherwise places were taken or released between the update and the read: try the prefix that fits now.
  }
  return { granted: 0, reached: true, reason: l.cap !== null ? 'cap_reached' : 'budget_exhausted' };
}

async function giveBack(ctx: AppContext, campaignId: string, day: string, count: number, revenueCents: number): Promise<void> {
  if (count === 0) return;
  await counters(ctx).updateOne({ _id: counterId(campaignId, day) }, { $inc: { conversions: -count, spendCents: -revenueCents } });
}

interface GateRequest {
  c: GatedCampaign;
  day: string;
  revenueCents: number;
}

/**
 * Places for requests on one campaign and day, the lifetime counter first,
 * then the daily one. A crash between the two, or before the places the daily
 * counter refused are given back, leaves the lifetime counter ahead, never the
 * daily one: repair-counters corrects a day's drift on both counters, so with
 * the other order it would take a place the lifetime counter never had and
 * leave it below what it counts (a lifetime cap could then be overrun).
 */
async function takeGroup(ctx: AppContext, reqs: GateRequest[]): Promise<GateResult[]> {
  const { c, day } = reqs[0]!;
  const limits = limitsOf(c);
  const revenues = reqs.map((r) => r.revenueCents);
  const total = await takeMany(ctx, c._id, TOTAL_DAY, limits.total, revenues);
  await faultPoint('conversions:lifetime-place-taken');
  const daily = total.granted > 0 ? await takeMany(ctx, c._id, day, limits.daily, revenues.slice(0, total.granted)) : { granted: 0, reached: false, reason: null };
  // Places the daily counter refused go back to the lifetime one; a crash right before keeps them taken: caps err on the safe side.
  await giveBack(ctx, c._id, TOTAL_DAY, total.granted - daily.granted, sumOf(revenues.slice(daily.granted, total.granted)));
  const reached = daily.reached || total.reached;
  // When a limit is reached the click path reloads the campaign, so new clicks go to the fallback URL.
  if (reached || daily.granted < reqs.length) await publishInvalidation(ctx, { kind: 'campaign', id: c._id });
  return reqs.map((_, i): GateResult => {
    if (i < daily.granted) return { ok: true, reached };
    return { ok: false, reason: (i < total.granted ? daily.reason : total.reason) ?? 'cap_reached' };
  });
}

/** Requests made at once go together, one group per campaign, day and limits (limits differ if the campaign was just edited). */
const gate = perContext(
  (ctx: AppContext) =>
    new GroupCommit<GateRequest, GateResult>(async (reqs) => {
      const groups = new Map<string, number[]>();
      reqs.forEach((r, i) => {
        const k = `${r.c._id}|${r.day}|${JSON.stringify(limitsOf(r.c))}`;
        groups.set(k, [...(groups.get(k) ?? []), i]);
      });
      const out: GateResult[] = new Array<GateResult>(reqs.length);
      await Promise.all(
        [...groups.values()].map(async (idx) => {
          const res = await takeGroup(ctx, idx.map((i) => reqs[i]!));
          idx.forEach((i, j) => (out[i] = res[j]!));
        }),
      );
      return out;
    }, 200),
);

/**
 * Takes one place under the daily and lifetime caps and budgets of the
 * campaign for a conversion on `day`. When a limit is reached (by this
 * conversion or because it did not fit), the click path is told to reload the
 * campaign so new clicks go to the fallback URL.
 */
export function takeCapPlace(ctx: AppContext, c: GatedCampaign, day: string, revenueCents: number): Promise<GateResult> {
  return gate(ctx).add({ c, day, revenueCents });
}

/** Gives a place back (a conversion was rejected); the campaign may take clicks again. */
export async function releaseCapPlace(ctx: AppContext, campaignId: string, day: string, revenueCents: number): Promise<void> {
  await giveBack(ctx, campaignId, day, 1, revenueCents);
  await giveBack(ctx, campaignId, TOTAL_DAY, 1, revenueCents);
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
