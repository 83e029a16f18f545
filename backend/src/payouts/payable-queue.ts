import type { AppContext } from '../context';
import { backfillOnce } from '../db/list-buckets';
import { conversionDueEntry } from '../conversions/due-work';
import { dequeueStale, dueEntries, enqueueDue, type DueEntry } from '../db/due-queues';
import { clickEarnings, type ClickEarningDoc } from '../db/models/click-earning';
import type { ConversionDoc } from '../db/models/conversion';
import { clickClaimId, earningIdOfClaim, isClickClaim, lastPayableDayStart } from '../domain/payout-plan';
import { dayKey } from '../domain/time-buckets';
import { inParallel } from './parallel';

/**
 * What a payout run may pay, read through the `payable` due queue (see
 * db/due-queues): approved conversions and click earnings no payout holds.
 * Conversions enter when they become approved (before and after the change,
 * so neither a crash nor a race loses one), click earnings when settled,
 * and both again when a payout lets them go.
 */

/** What a payout needs of a conversion to claim it and write its line. */
export type PayableConversion = Pick<ConversionDoc, '_id' | 'campaignId' | 'affiliateId' | 'currency' | 'payoutCents' | 'convertedAt' | 'status' | 'payoutId'>;
const CONVERSION_FIELDS = { _id: 1, campaignId: 1, affiliateId: 1, currency: 1, payoutCents: 1, convertedAt: 1, status: 1, payoutId: 1 } as const;
/** The same of a click earning. */
export type PayableEarning = Pick<ClickEarningDoc, '_id' | 'campaignId' | 'affiliateId' | 'currency' | 'payoutCents' | 'clicks' | 'day' | 'dayStart' | 'payoutId'>;
const EARNING_FIELDS = { _id: 1, campaignId: 1, affiliateId: 1, currency: 1, payoutCents: 1, clicks: 1, day: 1, dayStart: 1, payoutId: 1 } as const;

export type Payable = { kind: 'conversion'; entry: DueEntry; doc: PayableConversion } | { kind: 'clicks'; entry: DueEntry; doc: PayableEarning };

export const conversionEntry = conversionDueEntry;
export const earningEntry = (e: Pick<ClickEarningDoc, '_id' | 'dayStart'>): DueEntry => ({ day: dayKey(e.dayStart.getTime()), id: clickClaimId(e._id) });

const FETCH_CONCURRENCY = 16;

/** The conversion or click earning a claim id names, as it is now (null if gone). */
export async function readPayable(ctx: AppContext, claimId: string): Promise<Payable | null> {
  if (isClickClaim(claimId)) {
    const doc = (await ctx.models.ClickEarning.findById(earningIdOfClaim(claimId), EARNING_FIELDS).lean()) as PayableEarning | null;
    return doc ? { kind: 'clicks', entry: earningEntry(doc), doc } : null;
  }
  const doc = (await ctx.models.Conversion.findById(claimId, CONVERSION_FIELDS).lean()) as PayableConversion | null;
  return doc ? { kind: 'conversion', entry: conversionEntry(doc), doc } : null;
}

/** Free to be paid: held by no payout (and, for a conversion, approved). */
export const isFree = (p: Payable) => p.doc.payoutId === null && (p.kind === 'clicks' || p.doc.status === 'approved');

/** Payable by a run with this cutoff: free, and old enough. */
export function isDueBy(p: Payable, cutoff: Date): boolean {
  if (!isFree(p)) return false;
  return p.kind === 'clicks' ? p.doc.dayStart.getTime() <= lastPayableDayStart(cutoff) : p.doc.convertedAt.getTime() <= cutoff.getTime();
}

async function stillFree(ctx: AppContext, entry: DueEntry): Promise<DueEntry | null> {
  const p = await readPayable(ctx, entry.id);
  return p && isFree(p) ? p.entry : null;
}

/** Puts entries (back) in the queue: settled click earnings, items a payout let go. */
export const enqueuePayable = (ctx: AppContext, entries: DueEntry[]) => enqueueDue(ctx.db, 'payable', entries);

/**
 * Everything free to be paid by a run with this cutoff, read by `_id`.
 * Entries whose item is no longer free (paid, rejected, gone) leave the queue;
 * those free but too recent stay for a later run.
 */
export async function duePayables(ctx: AppContext, cutoff: Date): Promise<Payable[]> {
  await backfillPayableQueue(ctx);
  const entries = await dueEntries(ctx.db, 'payable', dayKey(cutoff.getTime()));
  const found: Array<Payable | null> = entries.map(() => null);
  await inParallel(entries.map((entry, i) => ({ entry, i })), FETCH_CONCURRENCY, async ({ entry, i }) => {
    found[i] = await readPayable(ctx, entry.id);
  });
  const stale = entries.filter((_, i) => !found[i] || !isFree(found[i]!));
  await dequeueStale(ctx.db, 'payable', stale, (e) => stillFree(ctx, e));
  return found.filter((p): p is Payable => p !== null && isDueBy(p, cutoff));
}

/** Approved unpaid conversions and unclaimed click earnings stored before the queue existed: one scan per database. */
export function backfillPayableQueue(ctx: AppContext): Promise<void> {
  return backfillOnce(ctx.db, 'due_payable', async () => {
    const [convs, earnings] = await Promise.all([
      ctx.models.Conversion.find({ status: 'approved', payoutId: null }, { _id: 1, convertedAt: 1 }).lean(),
      clickEarnings(ctx.db).find({ payoutId: null }, { projection: { _id: 1, dayStart: 1 } }).toArray(),
    ]);
    await enqueuePayable(ctx, [...convs.map(conversionEntry), ...earnings.map(earningEntry)]);
  });
}
