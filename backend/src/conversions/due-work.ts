import type { Db } from 'mongodb';
import { enqueueDue, enqueueDueGrouped, type DueEntry, type DueQueue } from '../db/due-queues';
import type { ConversionDoc } from '../db/models/conversion';
import { dayKey } from '../domain/time-buckets';

type Queued = Pick<ConversionDoc, '_id' | 'convertedAt' | 'status' | 'suspectedFraud' | 'payoutId'>;

/**
 * The job queue a conversion in this state belongs in (see db/due-queues):
 * approved and unpaid → a payout run pays it; pending and not held as
 * suspected fraud → auto-approval may approve it.
 */
export function dueQueueOf(c: Queued): DueQueue | null {
  if (c.status === 'approved' && c.payoutId === null) return 'payable';
  if (c.status === 'pending' && !c.suspectedFraud) return 'pending';
  return null;
}

export const conversionDueEntry = (c: Pick<ConversionDoc, '_id' | 'convertedAt'>): DueEntry => ({ day: dayKey(c.convertedAt.getTime()), id: c._id });

/** Queues conversions stored in bulk (seed, tests) as the write path would. */
export async function queueDueWork(db: Db, docs: Queued[]): Promise<void> {
  const by = new Map<DueQueue, DueEntry[]>();
  for (const d of docs) {
    const q = dueQueueOf(d);
    if (q) by.set(q, [...(by.get(q) ?? []), conversionDueEntry(d)]);
  }
  for (const [q, entries] of by) await enqueueDue(db, q, entries);
}

/** Queues one conversion after a status transition; concurrent callers share one write. */
export async function queueDueWorkOf(db: Db, c: Queued): Promise<void> {
  const q = dueQueueOf(c);
  if (q) await enqueueDueGrouped(db, q, conversionDueEntry(c));
}
