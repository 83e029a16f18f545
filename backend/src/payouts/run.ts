import type { AppContext } from '../context';
import { bulkWriteInChunks } from '../db/bulk-write';
import { isDuplicateKey } from '../db/duplicate-key';
import { newId } from '../db/ids';
import { clickEarnings } from '../db/models/click-earning';
import { payoutClaims } from '../db/payout-claims';
import type { PayoutDoc, PayoutLineDoc } from '../db/models/payout';
import {
  clickClaimId,
  earningIdOfClaim,
  isClickClaim,
  payoutCutoff,
  payoutTotals,
  planPayouts,
  sortPayable,
  type EligibleGroup,
  type PayableItem,
} from '../domain/payout-plan';
import { dequeueDone, dequeueStale, type DueEntry } from '../db/due-queues';
import { listPayoutLines } from './line-list';
import { inParallel } from './parallel';
import { duePayables, enqueuePayable, isDueBy, isFree, readPayable, type Payable, type PayableConversion, type PayableEarning } from './payable-queue';
import { addHolds, backfillPayoutHolds, dropHolds, holdsOf, markDone, markOpen, openPayouts } from './payout-holds';
import { countPayoutMove, listNewPayout, listPayoutStatus } from './payout-list';
import { settleClickEarnings } from './settle-clicks';
import { faultPoint } from '../fault-points';
import { BUILD_LOCK_TTL_MS, lockPayout } from './payout-lock';

export interface PayoutRunCounts {
  payouts: number;
  conversions: number;
  clickEarnings: number;
  carriedOver: number;
  carriedOverClickEarnings: number;
  carriedOverGroups: number;
  resumed: number;
  /** Payouts left `building` that another run, still going, was building at the time: left to it. */
  busy: number;
  /** Conversions and click earnings let go by rejected payouts. */
  released: number;
  settledDays: number;
  settledClickEarnings: number;
  unsettledDays: number;
  [k: string]: number;
}

const CLAIM_CONCURRENCY = 8;

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
const itemOf = (p: Payable): PayableItem => (p.kind === 'clicks' ? clickItem(p.doc) : conversionItem(p.doc));

const groupKey = (affiliateId: string, currency: string) => `${affiliateId}|${currency}`;

/** What a run may pay, per affiliate × currency. */
function byGroup(payables: Payable[]): Map<string, Payable[]> {
  const members = new Map<string, Payable[]>();
  for (const p of payables) {
    const k = groupKey(p.doc.affiliateId, p.doc.currency);
    members.set(k, [...(members.get(k) ?? []), p]);
  }
  return members;
}

function groupOf(members: Payable[]): EligibleGroup {
  const first = members[0]!.doc;
  const g: EligibleGroup = { affiliateId: first.affiliateId, currency: first.currency, amountCents: 0, count: 0, clickEarnings: 0 };
  for (const p of members) {
    g.amountCents += p.doc.payoutCents;
    if (p.kind === 'clicks') g.clickEarnings = (g.clickEarnings ?? 0) + 1;
    else g.count += 1;
  }
  return g;
}

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

/** Sets the mirror field of a claimed item back to free, if this payout holds it. */
async function unmirror(ctx: AppContext, claimId: string, payoutId: string): Promise<number> {
  const res = isClickClaim(claimId)
    ? await clickEarnings(ctx.db).updateOne({ _id: earningIdOfClaim(claimId), payoutId }, { $set: { payoutId: null } })
    : await ctx.models.Conversion.updateOne({ _id: claimId, payoutId }, { $set: { payoutId: null } });
  return res.modifiedCount;
}

/**
 * Lets go of what a payout holds: the mirror field of its conversions and
 * click earnings and its claims, one `_id` at a time from its holds; what is
 * free again goes back in the payable queue. Idempotent.
 */
export async function releasePayout(ctx: AppContext, payoutId: string): Promise<number> {
  await backfillPayoutHolds(ctx);
  let released = 0;
  const free: DueEntry[] = [];
  await inParallel(await holdsOf(ctx.db, payoutId), CLAIM_CONCURRENCY, async (claimId) => {
    const n = await unmirror(ctx, claimId, payoutId);
    released += n;
    await payoutClaims(ctx.db).deleteOne({ _id: claimId, payoutId });
    const p = await readPayable(ctx, claimId);
    if (p && isFree(p)) free.push(p.entry);
  });
  await enqueuePayable(ctx, free);
  return released;
}

export interface BuildResult {
  built: boolean;
  conversions: number;
  clickEarnings: number;
}

export interface BuildOptions {
  /** A payout an interrupted run left `building`: what it holds already is kept if still its own. */
  resumed?: boolean;
  minCents?: number;
  /** The payout's lock (payout-lock.ts): a build that lost it stops before completing or dissolving the payout. */
  signal?: AbortSignal;
}

/**
 * Builds a payout from `fresh` (what the run found payable for its
 * affiliate and currency) and, for a payout an interrupted run left
 * `building`, what it holds already. A claim is an insert keyed by the claim
 * id, so each item lands in at most one payout whatever runs in parallel;
 * the ids are written to the payout's holds first, so an interruption at any
 * step is finished (or undone) by running this again. Its totals are those of
 * the claims it still holds when it completes (read again then, by `_id`).
 * Below the minimum (items rejected meanwhile, another run got there first)
 * it releases everything and disappears. The caller holds the payout's lock
 * (runPayouts does): one builder per payout.
 */
export async function buildPayout(ctx: AppContext, p: PayoutDoc, by: string | null, note: string, fresh: Payable[], o: BuildOptions = {}): Promise<BuildResult> {
  await faultPoint('payouts:building', { payoutId: p._id, affiliateId: p.affiliateId });
  await addHolds(ctx.db, p._id, fresh.map((f) => f.entry.id));
  const held = o.resumed ? await keepHeld(ctx, p) : [];
  const heldIds = new Set(held.map((h) => h.entry.id));
  const claimed = [...held, ...(await claimFresh(ctx, p, fresh.filter((f) => !heldIds.has(f.entry.id))))];
  await faultPoint('payouts:claimed', { payoutId: p._id, affiliateId: p.affiliateId });
  const kept = await stillClaimed(ctx, p, claimed);
  o.signal?.throwIfAborted();
  // Taken out before the payout can be rejected (it is still `building`): a release then puts them back.
  await dequeueDone(ctx.db, 'payable', kept.map((k) => k.entry));
  const min = o.minCents ?? (await ctx.settings.read()).values.payoutMinimumCents;
  if (o.resumed) await dropStrayLines(ctx, p, kept);
  o.signal?.throwIfAborted();
  const r = await completePayout(ctx, p, by, note, kept.map(itemOf), min);
  await markDone(ctx.db, 'building', p._id);
  return r;
}

/**
 * What the payout still holds a claim for, read again by `_id` just before
 * its totals are written: the totals count exactly the claims it won and
 * kept. One claimed but no longer its own (a claim another builder of the
 * same payout let go, which the payout lock exists to prevent) is let go
 * here too: its mirror set free if it names this payout, back in the queue.
 */
async function stillClaimed(ctx: AppContext, p: PayoutDoc, claimed: Payable[]): Promise<Payable[]> {
  const kept: Payable[] = [];
  await inParallel(claimed, CLAIM_CONCURRENCY, async (item) => {
    const claim = await payoutClaims(ctx.db).findOne({ _id: item.entry.id });
    if (claim?.payoutId === p._id) return void kept.push(item);
    await unmirror(ctx, item.entry.id, p._id);
    const now = await readPayable(ctx, item.entry.id);
    if (now && isFree(now)) await enqueuePayable(ctx, [now.entry]);
  });
  return kept;
}

/** Lines an earlier attempt at a resumed payout wrote for what it no longer holds (by `_id`, from its holds). */
async function dropStrayLines(ctx: AppContext, p: PayoutDoc, kept: Payable[]): Promise<void> {
  const keptIds = new Set(kept.map((k) => k.entry.id));
  const stray = (await holdsOf(ctx.db, p._id)).filter((id) => !keptIds.has(id));
  await bulkWriteInChunks(
    ctx.db.collection<PayoutLineDoc>('payout_lines'),
    stray.map((claimId) => ({ deleteOne: { filter: { _id: `${p._id}:${claimId}` } } })),
  );
}

/** What a payout left `building` holds and may keep: claimed by it, its affiliate's and currency's, still payable. */
async function keepHeld(ctx: AppContext, p: PayoutDoc): Promise<Payable[]> {
  const kept: Payable[] = [];
  await inParallel(await holdsOf(ctx.db, p._id), CLAIM_CONCURRENCY, async (claimId) => {
    const claim = await payoutClaims(ctx.db).findOne({ _id: claimId });
    if (claim?.payoutId !== p._id) return;
    const item = await readPayable(ctx, claimId);
    const mine = item && item.doc.affiliateId === p.affiliateId && item.doc.currency === p.currency && (item.doc.payoutId === p._id || item.doc.payoutId === null);
    if (item && mine && (item.kind === 'clicks' || item.doc.status === 'approved') && (item.doc.payoutId === p._id || (await mirrorClaim(ctx, itemOf(item), p._id)))) {
      kept.push(item);
      return;
    }
    // Changed status between the run that claimed it and now, or held elsewhere: not this payout's.
    await unmirror(ctx, claimId, p._id);
    await payoutClaims(ctx.db).deleteOne({ _id: claimId, payoutId: p._id });
    const now = await readPayable(ctx, claimId);
    if (now && isFree(now)) await enqueuePayable(ctx, [now.entry]);
  });
  return kept;
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
 * Claims the conversions and click earnings the run found payable: one is
 * kept when this payout won its claim and it was still free (a conversion
 * still approved) when marked. The rest are let go at once and leave the
 * queue unless free again. A crash midway leaves the payout `building`, and
 * the next run finishes it from its holds.
 */
async function claimFresh(ctx: AppContext, p: PayoutDoc, candidates: Payable[]): Promise<Payable[]> {
  const kept: Payable[] = [];
  const lost: DueEntry[] = [];
  await inParallel(candidates, CLAIM_CONCURRENCY, async (item) => {
    if (!(await claimItem(ctx, item.entry.id, p._id))) return void lost.push(item.entry);
    if (await mirrorClaim(ctx, itemOf(item), p._id)) return void kept.push(item);
    // Marked already, by this very payout: its claim is this payout's, not one to let go.
    if ((await readPayable(ctx, item.entry.id))?.doc.payoutId === p._id) return void kept.push(item);
    await payoutClaims(ctx.db).deleteOne({ _id: item.entry.id, payoutId: p._id });
    lost.push(item.entry);
  });
  await dequeueStale(ctx.db, 'payable', lost, async (e) => {
    const now = await readPayable(ctx, e.id);
    return now && isFree(now) ? now.entry : null;
  });
  return kept;
}

function lineOf(payoutId: string, i: PayableItem): PayoutLineDoc {
  const base = { _id: `${payoutId}:${i.claimId}`, payoutId, campaignId: i.campaignId, amountCents: i.amountCents, convertedAt: i.at };
  return i.kind === 'clicks'
    ? { ...base, kind: 'clicks', conversionId: null, clickEarningId: earningIdOfClaim(i.claimId), day: i.day, clicks: i.clicks }
    : { ...base, kind: 'conversion', conversionId: i.claimId, clickEarningId: null, day: null, clicks: null };
}

/** Undoes a payout that stays below the minimum: its items go free, lines an earlier attempt wrote (by `_id`) and the payout go. */
async function dissolvePayout(ctx: AppContext, p: PayoutDoc): Promise<void> {
  // Only while it is being built: what a completed payout holds is never let go here.
  const now = await ctx.models.Payout.findById(p._id, { status: 1 }).lean();
  if (now && now.status !== 'building') return;
  const held = await holdsOf(ctx.db, p._id);
  await releasePayout(ctx, p._id);
  await bulkWriteInChunks(
    ctx.db.collection<PayoutLineDoc>('payout_lines'),
    held.map((claimId) => ({ deleteOne: { filter: { _id: `${p._id}:${claimId}` } } })),
  );
  await ctx.models.Payout.deleteOne({ _id: p._id, status: 'building' });
  await dropHolds(ctx.db, p._id);
}

/** Writes the lines and totals of what a payout holds, or dissolves it when below the minimum. */
async function completePayout(ctx: AppContext, p: PayoutDoc, by: string | null, note: string, items: PayableItem[], minCents: number): Promise<BuildResult> {
  const { Payout } = ctx.models;
  const t = payoutTotals(items);
  if (items.length === 0 || t.amountCents <= 0 || t.amountCents < minCents) {
    await dissolvePayout(ctx, p);
    return { built: false, conversions: 0, clickEarnings: 0 };
  }
  const lines = sortPayable(items).map((i) => lineOf(p._id, i));
  const lineCol = ctx.db.collection<PayoutLineDoc>('payout_lines');
  // Listed before they are stored: a crash in between leaves entries the list skips.
  await listPayoutLines(ctx.db, lines);
  await bulkWriteInChunks(lineCol, lines.map((l) => ({ replaceOne: { filter: { _id: l._id }, replacement: l, upsert: true } })));
  await faultPoint('payouts:lines-written');
  // Listed as awaiting approval before it is (a reader skips the entry while it is still building).
  await listPayoutStatus(ctx.db, p, 'pending_approval');
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
 * Re-running creates nothing new. Each payout is built holding its lock
 * (payout-lock.ts), so runs that overlap (one that lost the job's lock and
 * the next) never build the same payout at once. `signal` (the job's lock)
 * is checked between payouts: a run that lost its lock stops there, and
 * whatever it left `building` is finished by the next run.
 */
export async function runPayouts(ctx: AppContext, opts: { runId: string; nowMs?: number; by?: string | null; signal?: AbortSignal }): Promise<PayoutRunCounts> {
  await backfillPayoutHolds(ctx);
  const counts = emptyCounts();
  opts.signal?.throwIfAborted();
  counts.released = await finishReleases(ctx);

  // Read once per run, fresh (not the process cache): a run uses the settings in effect when it starts.
  const { payoutHoldDays, payoutMinimumCents } = (await ctx.settings.read()).values;
  const cutoff = payoutCutoff(opts.nowMs ?? Date.now(), payoutHoldDays);
  opts.signal?.throwIfAborted();
  Object.assign(counts, await settleClickEarnings(ctx, cutoff));
  const members = byGroup(await duePayables(ctx, cutoff));
  const by = opts.by ?? 'system';
  const run: Run = { ctx, runId: opts.runId, by, note: `payout run ${opts.runId}`, cutoff, minCents: payoutMinimumCents, members, counts, signal: opts.signal };
  await resumeInterrupted(run);

  const plan = planPayouts([...members.values()].filter((m) => m.length > 0).map(groupOf), payoutMinimumCents);
  const carry = (g: EligibleGroup) => {
    counts.carriedOver += g.count;
    counts.carriedOverClickEarnings += g.clickEarnings ?? 0;
    counts.carriedOverGroups += 1;
  };
  for (const g of plan.carryOver) carry(g);
  for (const g of plan.build) {
    opts.signal?.throwIfAborted();
    const r = await buildNew(run, g);
    // Null: another run is building this affiliate's payout in this currency right now.
    if (!r) continue;
    if (r.built) added(counts, r);
    else carry(g);
  }
  return counts;
}

/** What one run works with, passed to its steps. */
interface Run {
  ctx: AppContext;
  runId: string;
  by: string | null;
  note: string;
  cutoff: Date;
  minCents: number;
  /** What the run may pay, per group (byGroup); a resumed payout takes its part out. */
  members: Map<string, Payable[]>;
  counts: PayoutRunCounts;
  signal: AbortSignal | undefined;
}

function added(counts: PayoutRunCounts, r: BuildResult): void {
  counts.payouts += 1;
  counts.conversions += r.conversions;
  counts.clickEarnings += r.clickEarnings;
}

/**
 * Payouts an interrupted run left `building` (by `_id` from the open set),
 * each finished under its lock. One whose lock is held is being built right
 * now by a run that is still going (a crashed run's lock runs out): it is
 * left to that run, not built twice at once.
 */
async function resumeInterrupted(run: Run): Promise<void> {
  for (const id of await openPayouts(run.ctx.db, 'building')) {
    run.signal?.throwIfAborted();
    const r = await withPayoutLock(run.ctx, id, (signal) => resumeOne(run, id, signal));
    if (r === 'busy') run.counts.busy += 1;
    else if (r) {
      run.counts.resumed += 1;
      if (r.built) added(run.counts, r);
    }
  }
}

/** Finishes one interrupted payout, holding its lock; null if it is not `building` (any more). */
async function resumeOne(run: Run, id: string, signal: AbortSignal): Promise<BuildResult | null> {
  // Read under the lock: the run that was building it may have completed or dissolved it since the open set was read.
  const p = (await run.ctx.models.Payout.findById(id).lean()) as PayoutDoc | null;
  if (p?.status !== 'building') {
    if (p) await markDone(run.ctx.db, 'building', id);
    return null;
  }
  // It takes what was payable by its own cutoff; the rest of its group goes in a payout of this run.
  const k = groupKey(p.affiliateId, p.currency);
  const [mine, rest] = partition(run.members.get(k) ?? [], (m) => isDueBy(m, p.cutoff));
  run.members.set(k, rest);
  return buildPayout(run.ctx, p, run.by, `${run.note} (resumed)`, mine, { resumed: true, minCents: run.minCents, signal });
}

/** A new payout for a group, created and built holding its lock; null if the group has one building already. */
async function buildNew(run: Run, g: EligibleGroup): Promise<BuildResult | null> {
  const id = newId();
  // Locked before it is marked open and created: no other run can take it for an interrupted one meanwhile.
  const r = await withPayoutLock(run.ctx, id, async (signal) => {
    const payout = await createBuilding(run.ctx, g, run.runId, run.cutoff, id);
    if (!payout) return null;
    return buildPayout(run.ctx, payout, run.by, run.note, run.members.get(groupKey(g.affiliateId, g.currency)) ?? [], { minCents: run.minCents, signal });
  });
  return r === 'busy' ? null : r;
}

/** Runs `fn` holding the payout's lock (released after); 'busy' if another process holds it. */
async function withPayoutLock<T>(ctx: AppContext, payoutId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T | 'busy'> {
  const lock = await lockPayout(ctx, payoutId, BUILD_LOCK_TTL_MS);
  if (!lock) return 'busy';
  try {
    return await fn(lock.signal);
  } finally {
    await lock.release();
  }
}

function emptyCounts(): PayoutRunCounts {
  return { payouts: 0, conversions: 0, clickEarnings: 0, carriedOver: 0, carriedOverClickEarnings: 0, carriedOverGroups: 0, resumed: 0, busy: 0, released: 0, settledDays: 0, settledClickEarnings: 0, unsettledDays: 0 };
}

function partition<T>(items: T[], pred: (t: T) => boolean): [T[], T[]] {
  return [items.filter(pred), items.filter((t) => !pred(t))];
}

/** Rejections that stopped before releasing what their payout held; a rejection still in flight is left to its request. */
async function finishReleases(ctx: AppContext): Promise<number> {
  let released = 0;
  for (const id of await openPayouts(ctx.db, 'releasing')) {
    const p = await ctx.models.Payout.findById(id, { status: 1 }).lean();
    if (p?.status === 'rejected') released += await releasePayout(ctx, id);
    if (!p || p.status === 'rejected' || p.status === 'paid') await markDone(ctx.db, 'releasing', id);
  }
  return released;
}

/** A new payout in `building`, listed and marked open before it is created; null if the group has one building already. */
async function createBuilding(ctx: AppContext, g: EligibleGroup, runId: string, cutoff: Date, id: string): Promise<PayoutDoc | null> {
  const createdAt = new Date();
  // Listed before it is created (while building, no list shows it; a crash leaves an entry the list skips).
  await listNewPayout(ctx.db, { _id: id, affiliateId: g.affiliateId, currency: g.currency, createdAt });
  await markOpen(ctx.db, 'building', id);
  try {
    const doc = await ctx.models.Payout.create({ _id: id, runId, affiliateId: g.affiliateId, currency: g.currency, status: 'building', cutoff, buildKey: `building|${g.affiliateId}|${g.currency}`, history: [], createdAt });
    return doc.toObject() as PayoutDoc;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await markDone(ctx.db, 'building', id);
    return null;
  }
}
