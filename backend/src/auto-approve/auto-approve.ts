import type { AppContext } from '../context';
import { conversionDueEntry, dueQueueOf, queueDueWork } from '../conversions/due-work';
import { tryChangeConversionStatus } from '../conversions/status-change';
import { dequeueDone, dequeueStale, dueEntries, type DueEntry } from '../db/due-queues';
import { backfillOnce } from '../db/list-buckets';
import type { ConversionDoc } from '../db/models/conversion';
import { DAY_MS, dayKey } from '../domain/time-buckets';
import { inParallel } from '../payouts/parallel';

/** Who the history names for changes made by the platform itself. */
export const SYSTEM_ACTOR = 'system';

type Candidate = Pick<ConversionDoc, '_id' | 'campaignId' | 'convertedAt' | 'status' | 'suspectedFraud' | 'payoutId'>;
const FIELDS = { _id: 1, campaignId: 1, convertedAt: 1, status: 1, suspectedFraud: 1, payoutId: 1 } as const;
const READ_CONCURRENCY = 16;

const readCandidate = (ctx: AppContext, id: string) => ctx.models.Conversion.findById(id, FIELDS).lean() as Promise<Candidate | null>;

/** Each campaign's auto-approve period in days (null: none), read once per run by `_id`. */
function periods(ctx: AppContext): (campaignId: string) => Promise<number | null> {
  const cache = new Map<string, Promise<number | null>>();
  return (id) => {
    let p = cache.get(id);
    if (!p) cache.set(id, (p = ctx.models.Campaign.findById(id, { autoApproveAfterDays: 1 }).lean().then((c) => c?.autoApproveAfterDays ?? null)));
    return p;
  };
}

/**
 * Pending conversions of campaigns with an auto-approve period, older than
 * that period and not held as suspected fraud, become approved, like the
 * networks' hold periods. Candidates come from the `pending` due queue (see
 * db/due-queues), read by `_id`, so a run touches the pending conversions,
 * never the whole collection. Each goes through the same status change as a
 * review (conditional update, cap place, history, dirty hour, live totals,
 * outbound postback), so a conversion reviewed meanwhile is left alone.
 */
export async function autoApprove(ctx: AppContext, nowMs = Date.now()): Promise<{ campaigns: number; candidates: number; approved: number }> {
  await backfillPendingQueue(ctx);
  const entries = await dueEntries(ctx.db, 'pending', dayKey(nowMs));
  const found: Array<Candidate | null> = entries.map(() => null);
  await inParallel(entries.map((e, i) => ({ e, i })), READ_CONCURRENCY, async ({ e, i }) => {
    found[i] = await readCandidate(ctx, e.id);
  });
  const stale = entries.filter((_, i) => !found[i] || dueQueueOf(found[i]!) !== 'pending');
  await dequeueStale(ctx.db, 'pending', stale, async (e) => {
    const c = await readCandidate(ctx, e.id);
    return c && dueQueueOf(c) === 'pending' ? conversionDueEntry(c) : null;
  });

  const periodOf = periods(ctx);
  const withPeriod = new Set<string>();
  const counts = { campaigns: 0, candidates: 0, approved: 0 };
  const done: DueEntry[] = [];
  for (const c of found) {
    if (!c || dueQueueOf(c) !== 'pending') continue;
    const d = await periodOf(c.campaignId);
    if (d === null) continue;
    withPeriod.add(c.campaignId);
    if (c.convertedAt.getTime() > nowMs - d * DAY_MS) continue;
    counts.candidates += 1;
    if (await approve(ctx, c, d)) {
      counts.approved += 1;
      done.push(conversionDueEntry(c));
    }
  }
  await dequeueDone(ctx.db, 'pending', done);
  counts.campaigns = withPeriod.size;
  return counts;
}

async function approve(ctx: AppContext, c: Candidate, days: number): Promise<boolean> {
  const result = await tryChangeConversionStatus(ctx, c._id, 'approved', { by: SYSTEM_ACTOR, note: `auto-approved after ${days} day${days === 1 ? '' : 's'}` });
  // Reviewed, paid out or over the cap since it was read: the next run looks again.
  if (!result.ok) ctx.log.info({ conversionId: c._id, err: result.refusal.message }, 'auto-approve skipped a conversion');
  return result.ok;
}

/** Pending conversions stored before the queue existed: one scan per database. */
export function backfillPendingQueue(ctx: AppContext): Promise<void> {
  return backfillOnce(ctx.db, 'due_pending', async () => {
    const docs = (await ctx.models.Conversion.find({ status: 'pending', suspectedFraud: false, payoutId: null }, FIELDS).lean()) as Candidate[];
    await queueDueWork(ctx.db, docs);
  });
}
