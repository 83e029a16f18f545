import type { AppContext } from '../context';
import { WRITE_CHUNK } from '../rollups/hourly';
import { newId } from '../db/ids';
import { payoutClaims } from '../db/payout-claims';
import type { ConversionDoc } from '../db/models/conversion';
import type { PayoutDoc, PayoutLineDoc } from '../db/models/payout';
import { payoutCutoff, planPayouts, type EligibleGroup } from '../domain/payout-plan';

export interface PayoutRunCounts {
  payouts: number;
  conversions: number;
  carriedOver: number;
  carriedOverGroups: number;
  resumed: number;
  released: number;
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

/** What a payout needs of a conversion to claim it and write its line. */
type Payable = Pick<ConversionDoc, '_id' | 'campaignId' | 'affiliateId' | 'currency' | 'payoutCents' | 'convertedAt'>;
const PAYABLE_FIELDS = { _id: 1, campaignId: 1, affiliateId: 1, currency: 1, payoutCents: 1, convertedAt: 1 } as const;

const groupKey = (affiliateId: string, currency: string) => `${affiliateId}|${currency}`;

/**
 * Approved, unpaid conversions past the hold period, per affiliate × currency,
 * read in one pass: each group's payout is then built from its list without
 * querying the conversions again (every such query is a collection scan on FerretDB).
 */
async function eligibleConversions(ctx: AppContext, cutoff: Date): Promise<{ groups: EligibleGroup[]; members: Map<string, Payable[]> }> {
  const members = new Map<string, Payable[]>();
  const found = (await ctx.models.Conversion.find({ status: 'approved', payoutId: null, convertedAt: { $lte: cutoff } }, PAYABLE_FIELDS).lean()) as Payable[];
  for (const c of found) {
    const k = groupKey(c.affiliateId, c.currency);
    const list = members.get(k) ?? [];
    list.push(c);
    members.set(k, list);
  }
  const groups = [...members.values()].map((list) => ({
    affiliateId: list[0]!.affiliateId,
    currency: list[0]!.currency,
    amountCents: list.reduce((n, c) => n + c.payoutCents, 0),
    count: list.length,
  }));
  return { groups, members };
}

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

/**
 * Claims one conversion for a payout: true if this payout holds it now. A
 * claim left behind by a payout that no longer exists or was rejected is
 * cleared and the claim retried once.
 */
async function claimConversion(ctx: AppContext, conversionId: string, payoutId: string): Promise<boolean> {
  const claims = payoutClaims(ctx.db);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await claims.insertOne({ _id: conversionId, payoutId, at: new Date() });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const holder = await claims.findOne({ _id: conversionId });
    if (!holder) continue;
    if (holder.payoutId === payoutId) return true;
    const other = await ctx.models.Payout.findById(holder.payoutId, { status: 1 }).lean();
    if (other && other.status !== 'rejected') return false;
    await claims.deleteOne({ _id: conversionId, payoutId: holder.payoutId });
  }
  return false;
}

/** Lets go of everything a payout holds (claims and the conversions' mirror field). */
export async function releasePayoutConversions(ctx: AppContext, payoutId: string): Promise<number> {
  const res = await ctx.models.Conversion.updateMany({ payoutId }, { $set: { payoutId: null } });
  await payoutClaims(ctx.db).deleteMany({ payoutId });
  return res.modifiedCount;
}

/**
 * Claims a payout's conversions and completes it. A claim is an insert keyed
 * by the conversion id, so a conversion lands in at most one payout whatever
 * runs in parallel. Lines and totals are derived from what the payout holds,
 * so a build interrupted at any step is finished by running this again. Below
 * the minimum (conversions rejected meanwhile, another run got there first) it
 * releases everything and disappears.
 */
export async function buildPayout(ctx: AppContext, p: PayoutDoc, by: string | null, note: string, fresh?: Payable[]): Promise<{ built: boolean; conversions: number }> {
  if (fresh) return completePayout(ctx, p, by, note, await claimFresh(ctx, p, fresh));
  const { Conversion } = ctx.models;
  const claims = payoutClaims(ctx.db);
  const candidates = await Conversion.find(
    { affiliateId: p.affiliateId, currency: p.currency, status: 'approved', payoutId: null, convertedAt: { $lte: p.cutoff } },
    { _id: 1 },
  ).lean();
  await inParallel(candidates, CLAIM_CONCURRENCY, async (c) => {
    if (await claimConversion(ctx, c._id, p._id)) await Conversion.updateOne({ _id: c._id, payoutId: null }, { $set: { payoutId: p._id } });
  });

  const held = (await claims.find({ payoutId: p._id }, { projection: { _id: 1 } }).toArray()).map((c) => c._id);
  const convs = held.length
    ? await Conversion.find({ _id: { $in: held } }, { _id: 1, campaignId: 1, affiliateId: 1, currency: 1, status: 1, payoutId: 1, payoutCents: 1, convertedAt: 1 }).sort({ convertedAt: 1, _id: 1 }).lean()
    : [];
  const keep = convs.filter((c) => c.status === 'approved' && c.affiliateId === p.affiliateId && c.currency === p.currency && (c.payoutId === p._id || c.payoutId === null));
  const keepIds = new Set(keep.map((c) => c._id));
  for (const id of held.filter((id) => !keepIds.has(id))) {
    // Changed status between the candidate query and the claim: not payable.
    await Conversion.updateOne({ _id: id, payoutId: p._id }, { $set: { payoutId: null } });
    await claims.deleteOne({ _id: id, payoutId: p._id });
  }
  if (keep.some((c) => c.payoutId === null)) await Conversion.updateMany({ _id: { $in: [...keepIds] }, payoutId: null }, { $set: { payoutId: p._id } });
  return completePayout(ctx, p, by, note, keep);
}

/**
 * Claims the conversions of a payout that was just created: a conversion is
 * kept when this payout won its claim and it was still approved and free when
 * marked. The rest are let go at once. A crash midway leaves the payout
 * `building`, and the next run finishes it from its claims.
 */
async function claimFresh(ctx: AppContext, p: PayoutDoc, candidates: Payable[]): Promise<Payable[]> {
  const kept: Payable[] = [];
  await inParallel(candidates, CLAIM_CONCURRENCY, async (c) => {
    if (!(await claimConversion(ctx, c._id, p._id))) return;
    const res = await ctx.models.Conversion.updateOne({ _id: c._id, payoutId: null, status: 'approved' }, { $set: { payoutId: p._id } });
    if (res.modifiedCount === 1) kept.push(c);
    // Rejected or reviewed between the read and the claim: not payable.
    else await payoutClaims(ctx.db).deleteOne({ _id: c._id, payoutId: p._id });
  });
  return kept.sort((a, b) => a.convertedAt.getTime() - b.convertedAt.getTime() || (a._id < b._id ? -1 : 1));
}

/** Writes the lines and totals of what a payout holds, or dissolves it when below the minimum. */
async function completePayout(ctx: AppContext, p: PayoutDoc, by: string | null, note: string, keep: Payable[]): Promise<{ built: boolean; conversions: number }> {
  const { PayoutLine, Payout } = ctx.models;
  const amountCents = keep.reduce((s, c) => s + c.payoutCents, 0);
  if (keep.length === 0 || amountCents <= 0 || amountCents < ctx.config.PAYOUT_MIN_CENTS) {
    await releasePayoutConversions(ctx, p._id);
    await PayoutLine.deleteMany({ payoutId: p._id });
    await Payout.deleteOne({ _id: p._id, status: 'building' });
    return { built: false, conversions: 0 };
  }
  const lines: PayoutLineDoc[] = keep.map((c) => ({ _id: `${p._id}:${c._id}`, payoutId: p._id, conversionId: c._id, campaignId: c.campaignId, amountCents: c.payoutCents, convertedAt: c.convertedAt }));
  const lineCol = ctx.db.collection<PayoutLineDoc>('payout_lines');
  for (let i = 0; i < lines.length; i += WRITE_CHUNK) {
    await lineCol.bulkWrite(
      lines.slice(i, i + WRITE_CHUNK).map((l) => ({ replaceOne: { filter: { _id: l._id }, replacement: l, upsert: true } })),
      { ordered: false },
    );
  }
  const res = await Payout.updateOne(
    { _id: p._id, status: 'building' },
    {
      $set: {
        status: 'pending_approval',
        amountCents,
        conversionCount: keep.length,
        periodStart: keep[0]?.convertedAt ?? null,
        periodEnd: keep.at(-1)?.convertedAt ?? null,
        buildKey: p._id,
      },
      $push: { history: { at: new Date(), by, from: null, to: 'pending_approval', note } },
    },
  );
  return { built: res.modifiedCount === 1, conversions: keep.length };
}

/**
 * A payout run: per affiliate and currency, approved conversions older than
 * the hold period that belong to no payout become one payout awaiting
 * approval; totals below the minimum wait for a later run. Re-running creates
 * nothing new. First it finishes what an interrupted run left behind.
 * `signal` (the job's lock) is checked between payouts: a run that lost its
 * lock stops there, and whatever it left `building` is finished by the next run.
 */
export async function runPayouts(ctx: AppContext, opts: { runId: string; nowMs?: number; by?: string | null; signal?: AbortSignal }): Promise<PayoutRunCounts> {
  const { Payout, Conversion } = ctx.models;
  const by = opts.by ?? 'system';
  const note = `payout run ${opts.runId}`;
  const counts: PayoutRunCounts = { payouts: 0, conversions: 0, carriedOver: 0, carriedOverGroups: 0, resumed: 0, released: 0 };

  opts.signal?.throwIfAborted();
  // A rejection that stopped before releasing its conversions.
  const rejected = (await Payout.find({ status: 'rejected' }, { _id: 1 }).lean()).map((r) => r._id);
  if (rejected.length) {
    counts.released = (await Conversion.updateMany({ payoutId: { $in: rejected } }, { $set: { payoutId: null } })).modifiedCount;
    await payoutClaims(ctx.db).deleteMany({ payoutId: { $in: rejected } });
  }
  for (const p of (await Payout.find({ status: 'building' }).lean()) as PayoutDoc[]) {
    opts.signal?.throwIfAborted();
    const r = await buildPayout(ctx, p, by, `${note} (resumed)`);
    counts.resumed += 1;
    if (r.built) {
      counts.payouts += 1;
      counts.conversions += r.conversions;
    }
  }

  const cutoff = payoutCutoff(opts.nowMs ?? Date.now(), ctx.config.PAYOUT_HOLD_DAYS);
  const eligible = await eligibleConversions(ctx, cutoff);
  const plan = planPayouts(eligible.groups, ctx.config.PAYOUT_MIN_CENTS);
  for (const g of plan.carryOver) {
    counts.carriedOver += g.count;
    counts.carriedOverGroups += 1;
  }
  for (const g of plan.build) {
    opts.signal?.throwIfAborted();
    const id = newId();
    let payout: PayoutDoc;
    try {
      payout = (
        await Payout.create({ _id: id, runId: opts.runId, affiliateId: g.affiliateId, currency: g.currency, status: 'building', cutoff, buildKey: `building|${g.affiliateId}|${g.currency}`, history: [] })
      ).toObject() as PayoutDoc;
    } catch (err) {
      // Another run is building this affiliate's payout in this currency right now.
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    const r = await buildPayout(ctx, payout, by, note, eligible.members.get(groupKey(g.affiliateId, g.currency)) ?? []);
    if (r.built) {
      counts.payouts += 1;
      counts.conversions += r.conversions;
    } else {
      counts.carriedOver += g.count;
      counts.carriedOverGroups += 1;
    }
  }
  return counts;
}
