import type { AppContext } from '../context';
import { bulkWriteInChunks } from '../db/bulk-write';
import { newId } from '../db/ids';
import { clickEarnings, type ClickEarningDoc } from '../db/models/click-earning';
import { payoutClaims } from '../db/payout-claims';
import type { ConversionDoc } from '../db/models/conversion';
import type { PayoutDoc, PayoutLineDoc } from '../db/models/payout';
import {
  clickClaimId,
  earningIdOfClaim,
  isClickClaim,
  lastPayableDayStart,
  payoutCutoff,
  payoutTotals,
  planPayouts,
  sortPayable,
  type EligibleGroup,
  type PayableItem,
} from '../domain/payout-plan';
import { listPayoutLines } from './line-list';
import { countPayoutMove, listNewPayout } from './payout-list';
import { settleClickEarnings } from './settle-clicks';
import { faultPoint } from '../fault-points';

export interface PayoutRunCounts {
  payouts: number;
  conversions: number;
  clickEarnings: number;
  carriedOver: number;
  carriedOverClickEarnings: number;
  carriedOverGroups: number;
  resumed: number;
  /** Conversions and click earnings let go by rejected payouts. */
  released: number;
  settledDays: number;
  settledClickEarnings: number;
  unsettledDays: number;
  [k: string]: number;
}

const CLAIM_CONCURRENCY = 8;

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Documents by `_id`, one findOne each (bounded parallelism), in the order of `ids`, missing ones left out. */
async function byIds<T>(ids: string[], find: (id: string) => PromiseLike<T | null>): Promise<T[]> {
  const found: Array<T | null> = ids.map(() => null);
  await inParallel(ids.map((id, i) => ({ id, i })), CLAIM_CONCURRENCY, async ({ id, i }) => {
    found[i] = await find(id);
  });
  return found.filter((d): d is T => d !== null);
}

/** What a payout needs of a conversion to claim it and write its line. */
type PayableConversion = Pick<ConversionDoc, '_id' | 'campaignId' | 'affiliateId' | 'currency' | 'payoutCents' | 'convertedAt'>;
const CONVERSION_FIELDS = { _id: 1, campaignId: 1, affiliateId: 1, currency: 1, payoutCents: 1, convertedAt: 1 } as const;
/** The same of a click earning. */
type PayableEarning = Pick<ClickEarningDoc, '_id' | 'campaignId' | 'affiliateId' | 'currency' | 'payoutCents' | 'clicks' | 'day' | 'dayStart'>;
const EARNING_FIELDS = { _id: 1, campaignId: 1, affiliateId: 1, currency: 1, payoutCents: 1, clicks: 1, day: 1, dayStart: 1 } as const;

const conversionItem = (c: PayableConversion): PayableItem => ({ kind: 'conversion', claimId: c._id, campaignId: c.campaignId, amountCents: c.payoutCents, at: c.convertedAt });
const clickItem = (e: PayableEarning): PayableItem => ({
  kind: 'clicks',
  claimId: clickClaimId(e._id),
  campaignId: e.campaignId,
  amountCents: e.payoutCents,
  at: e.dayStart,
  day: e.day,
  clicks: e.clicks,
});

const groupKey = (affiliateId: string, currency: string) => `${affiliateId}|${currency}`;

/**
 * Approved, unpaid conversions past the hold period and unclaimed click
 * earnings of days that ended by the cutoff, per affiliate × currency, read in
 * one pass each: each group's payout is then built from its list without
 * querying again (every such query is a collection scan on FerretDB).
 */
async function eligiblePayables(ctx: AppContext, cutoff: Date): Promise<{ groups: EligibleGroup[]; members: Map<string, PayableItem[]> }> {
  const members = new Map<string, PayableItem[]>();
  const groups = new Map<string, EligibleGroup>();
  const add = (affiliateId: string, currency: string, item: PayableItem) => {
    const k = groupKey(affiliateId, currency);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { affiliateId, currency, amountCents: 0, count: 0, clickEarnings: 0 }));
    g.amountCents += item.amountCents;
    if (item.kind === 'clicks') g.clickEarnings = (g.clickEarnings ?? 0) + 1;
    else g.count += 1;
    const list = members.get(k) ?? [];
    list.push(item);
    members.set(k, list);
  };
  const [convs, earnings] = await Promise.all([
    ctx.models.Conversion.find({ status: 'approved', payoutId: null, convertedAt: { $lte: cutoff } }, CONVERSION_FIELDS).lean() as Promise<PayableConversion[]>,
    ctx.models.ClickEarning.find({ payoutId: null, dayStart: { $lte: new Date(lastPayableDayStart(cutoff)) } }, EARNING_FIELDS).lean() as Promise<PayableEarning[]>,
  ]);
  for (const c of convs) add(c.affiliateId, c.currency, conversionItem(c));
  for (const e of earnings) add(e.affiliateId, e.currency, clickItem(e));
  return { groups: [...groups.values()], members };
}

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

/**
 * Claims one conversion or click earning (by its claim id) for a payout: true
 * if this payout holds it now. A claim left behind by a payout that no longer
 * exists or was rejected is cleared and the claim retried once.
 */
async function claimItem(ctx: AppContext, claimId: string, payoutId: string): Promise<boolean> {
  const claims = payoutClaims(ctx.db);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await claims.insertOne({ _id: claimId, payoutId, at: new Date() });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const holder = await claims.findOne({ _id: claimId });
    if (!holder) continue;
    if (holder.payoutId === payoutId) return true;
    const other = await ctx.models.Payout.findById(holder.payoutId, { status: 1 }).lean();
    if (other && other.status !== 'rejected') return false;
    await claims.deleteOne({ _id: claimId, payoutId: holder.payoutId });
  }
  return false;
}

/** Lets go of everything a payout holds: its claims and the mirror field of its conversions and click earnings. */
export async function releasePayout(ctx: AppContext, payoutId: string): Promise<number> {
  const [convs, earnings] = await Promise.all([
    ctx.models.Conversion.updateMany({ payoutId }, { $set: { payoutId: null } }),
    clickEarnings(ctx.db).updateMany({ payoutId }, { $set: { payoutId: null } }),
  ]);
  await payoutClaims(ctx.db).deleteMany({ payoutId });
  return convs.modifiedCount + earnings.modifiedCount;
}

export interface BuildResult {
  built: boolean;
  conversions: number;
  clickEarnings: number;
}

/**
 * Claims a payout's conversions and click earnings and completes it. A claim
 * is an insert keyed by the conversion id (or the click earning's claim id),
 * so each lands in at most one payout whatever runs in parallel. Lines and
 * totals are derived from what the payout holds, so a build interrupted at
 * any step is finished by running this again. Below the minimum (conversions
 * rejected meanwhile, another run got there first) it releases everything and
 * disappears.
 */
export async function buildPayout(ctx: AppContext, p: PayoutDoc, by: string | null, note: string, fresh?: PayableItem[]): Promise<BuildResult> {
  if (fresh) {
    const kept = await claimFresh(ctx, p, fresh);
    await faultPoint('payouts:claimed');
    return completePayout(ctx, p, by, note, kept);
  }
  const { Conversion, ClickEarning } = ctx.models;
  const earningCol = clickEarnings(ctx.db);
  const claims = payoutClaims(ctx.db);
  const [candidates, earningCandidates] = await Promise.all([
    Conversion.find({ affiliateId: p.affiliateId, currency: p.currency, status: 'approved', payoutId: null, convertedAt: { $lte: p.cutoff } }, { _id: 1 }).lean(),
    ClickEarning.find({ affiliateId: p.affiliateId, currency: p.currency, payoutId: null, dayStart: { $lte: new Date(lastPayableDayStart(p.cutoff)) } }, { _id: 1 }).lean(),
  ]);
  await inParallel(candidates, CLAIM_CONCURRENCY, async (c) => {
    if (await claimItem(ctx, c._id, p._id)) await Conversion.updateOne({ _id: c._id, payoutId: null }, { $set: { payoutId: p._id } });
  });
  await inParallel(earningCandidates, CLAIM_CONCURRENCY, async (e) => {
    if (await claimItem(ctx, clickClaimId(e._id), p._id)) await earningCol.updateOne({ _id: e._id, payoutId: null }, { $set: { payoutId: p._id } });
  });

  const held = (await claims.find({ payoutId: p._id }, { projection: { _id: 1 } }).toArray()).map((c) => c._id);
  const heldConvs = held.filter((id) => !isClickClaim(id));
  const heldEarnings = held.filter(isClickClaim).map(earningIdOfClaim);
  // One findOne by _id each: a `$in` reads the whole collection on the embedded server.
  const [convs, earnings] = await Promise.all([
    byIds(heldConvs, (id) => Conversion.findById(id, { ...CONVERSION_FIELDS, status: 1, payoutId: 1 }).lean()),
    byIds(heldEarnings, (id) => ClickEarning.findById(id, { ...EARNING_FIELDS, payoutId: 1 }).lean()),
  ]);
  const mine = (d: { affiliateId: string; currency: string; payoutId: string | null }) => d.affiliateId === p.affiliateId && d.currency === p.currency && (d.payoutId === p._id || d.payoutId === null);
  const keep = convs.filter((c) => c.status === 'approved' && mine(c));
  const keepEarnings = earnings.filter(mine);
  const keepIds = new Set(keep.map((c) => c._id));
  const keepEarningIds = new Set(keepEarnings.map((e) => e._id));
  for (const id of heldConvs.filter((id) => !keepIds.has(id))) {
    // Changed status between the candidate query and the claim: not payable.
    await Conversion.updateOne({ _id: id, payoutId: p._id }, { $set: { payoutId: null } });
    await claims.deleteOne({ _id: id, payoutId: p._id });
  }
  for (const id of heldEarnings.filter((id) => !keepEarningIds.has(id))) {
    // Held elsewhere (or gone): not this payout's.
    await earningCol.updateOne({ _id: id, payoutId: p._id }, { $set: { payoutId: null } });
    await claims.deleteOne({ _id: clickClaimId(id), payoutId: p._id });
  }
  await inParallel(keep.filter((c) => c.payoutId === null), CLAIM_CONCURRENCY, async (c) => {
    await Conversion.updateOne({ _id: c._id, payoutId: null }, { $set: { payoutId: p._id } });
  });
  await inParallel(keepEarnings.filter((e) => e.payoutId === null), CLAIM_CONCURRENCY, async (e) => {
    await earningCol.updateOne({ _id: e._id, payoutId: null }, { $set: { payoutId: p._id } });
  });
  return completePayout(ctx, p, by, note, [...keep.map(conversionItem), ...keepEarnings.map(clickItem)]);
}

/**
 * Marks a claimed item as this payout's on its own document, if it is still
 * free (and, for a conversion, still approved): false means it was rejected,
 * reviewed or taken between the read and the claim.
 */
async function mirrorClaim(ctx: AppContext, item: PayableItem, payoutId: string): Promise<boolean> {
  const res =
    item.kind === 'clicks'
      ? await clickEarnings(ctx.db).updateOne({ _id: earningIdOfClaim(item.claimId), payoutId: null }, { $set: { payoutId } })
      : await ctx.models.Conversion.updateOne({ _id: item.claimId, payoutId: null, status: 'approved' }, { $set: { payoutId } });
  return res.modifiedCount === 1;
}

/**
 * Claims the conversions and click earnings of a payout that was just
 * created: one is kept when this payout won its claim and it was still free
 * (a conversion still approved) when marked. The rest are let go at once. A
 * crash midway leaves the payout `building`, and the next run finishes it
 * from its claims.
 */
async function claimFresh(ctx: AppContext, p: PayoutDoc, candidates: PayableItem[]): Promise<PayableItem[]> {
  const kept: PayableItem[] = [];
  await inParallel(candidates, CLAIM_CONCURRENCY, async (item) => {
    if (!(await claimItem(ctx, item.claimId, p._id))) return;
    if (await mirrorClaim(ctx, item, p._id)) kept.push(item);
    else await payoutClaims(ctx.db).deleteOne({ _id: item.claimId, payoutId: p._id });
  });
  return kept;
}

function lineOf(payoutId: string, i: PayableItem): PayoutLineDoc {
  const base = { _id: `${payoutId}:${i.claimId}`, payoutId, campaignId: i.campaignId, amountCents: i.amountCents, convertedAt: i.at };
  return i.kind === 'clicks'
    ? { ...base, kind: 'clicks', conversionId: null, clickEarningId: earningIdOfClaim(i.claimId), day: i.day, clicks: i.clicks }
    : { ...base, kind: 'conversion', conversionId: i.claimId, clickEarningId: null, day: null, clicks: null };
}

/** Writes the lines and totals of what a payout holds, or dissolves it when below the minimum. */
async function completePayout(ctx: AppContext, p: PayoutDoc, by: string | null, note: string, items: PayableItem[]): Promise<BuildResult> {
  const { PayoutLine, Payout } = ctx.models;
  const t = payoutTotals(items);
  if (items.length === 0 || t.amountCents <= 0 || t.amountCents < ctx.config.PAYOUT_MIN_CENTS) {
    await releasePayout(ctx, p._id);
    await PayoutLine.deleteMany({ payoutId: p._id });
    await Payout.deleteOne({ _id: p._id, status: 'building' });
    return { built: false, conversions: 0, clickEarnings: 0 };
  }
  const lines = sortPayable(items).map((i) => lineOf(p._id, i));
  const lineCol = ctx.db.collection<PayoutLineDoc>('payout_lines');
  // Listed before they are stored: a crash in between leaves entries the list skips.
  await listPayoutLines(ctx.db, lines);
  await bulkWriteInChunks(lineCol, lines.map((l) => ({ replaceOne: { filter: { _id: l._id }, replacement: l, upsert: true } })));
  await faultPoint('payouts:lines-written');
  const res = await Payout.updateOne(
    { _id: p._id, status: 'building' },
    {
      $set: {
        status: 'pending_approval',
        amountCents: t.amountCents,
        conversionCount: t.conversionCount,
        clickEarningCount: t.clickEarningCount,
        clickCount: t.clickCount,
        clickAmountCents: t.clickAmountCents,
        periodStart: t.periodStart,
        periodEnd: t.periodEnd,
        buildKey: p._id,
      },
      $push: { history: { at: new Date(), by, from: null, to: 'pending_approval', note } },
    },
  );
  // The payouts list counts it once: only the update that completed it.
  if (res.modifiedCount === 1) await countPayoutMove(ctx.db, p, null, 'pending_approval');
  return { built: res.modifiedCount === 1, conversions: t.conversionCount, clickEarnings: t.clickEarningCount };
}

/**
 * A payout run: first it finishes what an interrupted run left behind, then
 * settles CPC click earnings of the days past the hold period, then, per
 * affiliate and currency, approved conversions older than the hold period and
 * unclaimed click earnings that belong to no payout become one payout
 * awaiting approval; totals below the minimum wait for a later run.
 * Re-running creates nothing new. `signal` (the job's lock) is checked
 * between payouts: a run that lost its lock stops there, and whatever it left
 * `building` is finished by the next run.
 */
export async function runPayouts(ctx: AppContext, opts: { runId: string; nowMs?: number; by?: string | null; signal?: AbortSignal }): Promise<PayoutRunCounts> {
  const { Payout, Conversion } = ctx.models;
  const by = opts.by ?? 'system';
  const note = `payout run ${opts.runId}`;
  const counts: PayoutRunCounts = {
    payouts: 0,
    conversions: 0,
    clickEarnings: 0,
    carriedOver: 0,
    carriedOverClickEarnings: 0,
    carriedOverGroups: 0,
    resumed: 0,
    released: 0,
    settledDays: 0,
    settledClickEarnings: 0,
    unsettledDays: 0,
  };

  opts.signal?.throwIfAborted();
  // A rejection that stopped before releasing what its payout held.
  const rejected = (await Payout.find({ status: 'rejected' }, { _id: 1 }).lean()).map((r) => r._id);
  if (rejected.length) {
    const [convs, earnings] = await Promise.all([
      Conversion.updateMany({ payoutId: { $in: rejected } }, { $set: { payoutId: null } }),
      clickEarnings(ctx.db).updateMany({ payoutId: { $in: rejected } }, { $set: { payoutId: null } }),
    ]);
    counts.released = convs.modifiedCount + earnings.modifiedCount;
    await payoutClaims(ctx.db).deleteMany({ payoutId: { $in: rejected } });
  }
  const add = (r: BuildResult) => {
    counts.payouts += 1;
    counts.conversions += r.conversions;
    counts.clickEarnings += r.clickEarnings;
  };
  for (const p of (await Payout.find({ status: 'building' }).lean()) as PayoutDoc[]) {
    opts.signal?.throwIfAborted();
    const r = await buildPayout(ctx, p, by, `${note} (resumed)`);
    counts.resumed += 1;
    if (r.built) add(r);
  }

  const cutoff = payoutCutoff(opts.nowMs ?? Date.now(), ctx.config.PAYOUT_HOLD_DAYS);
  opts.signal?.throwIfAborted();
  Object.assign(counts, await settleClickEarnings(ctx, cutoff));

  const eligible = await eligiblePayables(ctx, cutoff);
  const plan = planPayouts(eligible.groups, ctx.config.PAYOUT_MIN_CENTS);
  const carry = (g: EligibleGroup) => {
    counts.carriedOver += g.count;
    counts.carriedOverClickEarnings += g.clickEarnings ?? 0;
    counts.carriedOverGroups += 1;
  };
  for (const g of plan.carryOver) carry(g);
  for (const g of plan.build) {
    opts.signal?.throwIfAborted();
    const id = newId();
    let payout: PayoutDoc;
    const createdAt = new Date();
    try {
      // Listed before it is created (while building, no list shows it; a crash leaves an entry the list skips).
      await listNewPayout(ctx.db, { _id: id, affiliateId: g.affiliateId, createdAt });
      payout = (
        await Payout.create({ _id: id, runId: opts.runId, affiliateId: g.affiliateId, currency: g.currency, status: 'building', cutoff, buildKey: `building|${g.affiliateId}|${g.currency}`, history: [], createdAt })
      ).toObject() as PayoutDoc;
    } catch (err) {
      // Another run is building this affiliate's payout in this currency right now.
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    const r = await buildPayout(ctx, payout, by, note, eligible.members.get(groupKey(g.affiliateId, g.currency)) ?? []);
    if (r.built) add(r);
    else carry(g);
  }
  return counts;
}
