import type { AppContext } from '../context';
import { deliverConversion } from './deliver';
import { DELIVERY_DONE_TTL_S, deliveryDoneKey } from './delivery-jobs';

/** What became of one delivery job: done (delivered or skipped, not to be called again), or an attempt that failed. */
export type DeliveryJobOutcome =
  | { done: { skipped: string } | { delivered: string } }
  | { refused: string }
  | { failed: string };

/**
 * Runs one delivery job, unless its id was delivered (or skipped) before:
 * the same transition may be enqueued anew once the queue has removed the
 * finished job. Delivery is at least once: a worker that dies after the call
 * and before marking it done leaves the job to be taken back and called
 * again. The job id (one transition of one conversion) goes with every
 * attempt as the delivery's idempotency key, so repeats are safe.
 */
export async function deliverOnce(ctx: AppContext, job: { id: string | undefined; conversionId: string; attempt: number }): Promise<DeliveryJobOutcome> {
  const done = deliveryDoneKey(ctx, job.id ?? '');
  if (await ctx.redis.exists(done)) return { done: { skipped: 'delivered already' } };
  const res = await deliverConversion(ctx, job.conversionId, job.attempt, job.id ?? null);
  const finish = async (result: { skipped: string } | { delivered: string }): Promise<DeliveryJobOutcome> => {
    await ctx.redis.set(done, '1', 'EX', DELIVERY_DONE_TTL_S);
    return { done: result };
  };
  if (res.kind === 'skipped') return finish({ skipped: res.why });
  const d = res.delivery;
  if (d.outcome === 'refused') return { refused: d.error ?? '' };
  if (d.outcome === 'failed') return { failed: d.error ?? `HTTP ${d.httpStatus}` };
  return finish({ delivered: d._id });
}
