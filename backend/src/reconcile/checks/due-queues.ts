import { backfillPendingQueue } from '../../auto-approve/auto-approve';
import type { AppContext } from '../../context';
import { backfillPayableQueue } from '../../payouts/payable-queue';
import { conversionDueEntry, dueQueueOf } from '../../conversions/due-work';
import { dueIdsOfDay, type DueQueue } from '../../db/due-queues';
import type { ConversionDoc } from '../../db/models/conversion';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { HOUR_MS } from '../../domain/time-buckets';

/**
 * Every approved unpaid or pending conversion of the compared hours must be
 * listed in its job queue (see db/due-queues): one that is not would never be
 * paid or auto-approved. Only past hours are compared, so a conversion being
 * created right now is not reported; status changes queue before they land.
 */
export async function dueQueueDifferences(ctx: AppContext, hours: number[]): Promise<Difference[]> {
  if (hours.length === 0) return [];
  // A database older than the queues has them filled once, as the jobs would.
  await Promise.all([backfillPayableQueue(ctx), backfillPendingQueue(ctx)]);
  const wanted = new Set(hours);
  const expected: Tally = new Map();
  const from = new Date(Math.min(...hours));
  const to = new Date(Math.max(...hours) + HOUR_MS);
  const projection = { _id: 1, hour: 1, convertedAt: 1, status: 1, suspectedFraud: 1, payoutId: 1 };
  for await (const c of ctx.db.collection<ConversionDoc>('conversions').find({ hour: { $gte: from, $lt: to } }, { projection })) {
    const queue = wanted.has(c.hour.getTime()) ? dueQueueOf(c) : null;
    if (queue) tallyAdd(expected, `${queue}|${conversionDueEntry(c).day}`, { [c._id]: 1 });
  }
  const listed: Tally = new Map();
  await Promise.all(
    [...expected].map(async ([key, ids]) => {
      const [queue, day] = key.split('|') as [DueQueue, string];
      const inQueue = new Set(await dueIdsOfDay(ctx.db, queue, day));
      for (const id of Object.keys(ids)) if (inQueue.has(id)) tallyAdd(listed, key, { [id]: 1 });
    }),
  );
  return [...expected].flatMap(([key, ids]) => diffTallies('due_queues', new Map([[key, ids]]), new Map([[key, listed.get(key) ?? {}]]), Object.keys(ids)));
}
