import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { AppContext } from '../context';
import { CONVERSION_DELIVERY_JOB, DELIVERY_DONE_TTL_S, deliveryDoneKey, type ConversionDeliveryData } from '../outbound/delivery-jobs';
import { deliverConversion } from '../outbound/deliver';
import { QUEUE_NAMES } from '../queues';
import { blockingConnection, stallOptions } from './connection';

/**
 * Calls affiliates' outbound postback URLs. A failed call is retried by
 * BullMQ (5 attempts, exponential backoff); a refused URL (not http(s), or an
 * address that is not public) is not retried, since it would be refused again.
 * A job whose id was delivered (or skipped) before is not called again: the
 * same transition may be enqueued anew once BullMQ has removed the finished job.
 * Delivery is at least once: a worker that dies after the call and before
 * marking it done leaves the job to be taken back and called again. The job id
 * (one transition of one conversion) goes with every attempt as the delivery's
 * idempotency key, so repeats are safe to take back as often as it takes.
 */
export async function startDeliveryWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const connection = blockingConnection(ctx, 'delivery-worker');
  const worker = new Worker<ConversionDeliveryData>(
    QUEUE_NAMES.deliveries,
    async (job: Job<ConversionDeliveryData>) => {
      if (job.name !== CONVERSION_DELIVERY_JOB) return { skipped: `unknown job ${job.name}` };
      const done = deliveryDoneKey(ctx, job.id ?? '');
      if (await ctx.redis.exists(done)) return { skipped: 'delivered already' };
      const res = await deliverConversion(ctx, job.data.conversionId, job.attemptsMade + 1, job.id ?? null);
      const finish = async <T>(result: T): Promise<T> => {
        await ctx.redis.set(done, '1', 'EX', DELIVERY_DONE_TTL_S);
        return result;
      };
      if (res.kind === 'skipped') return finish({ skipped: res.why });
      const d = res.delivery;
      if (d.outcome === 'refused') throw new UnrecoverableError(`refused: ${d.error ?? ''}`);
      if (d.outcome === 'failed') throw new Error(`delivery failed: ${d.error ?? `HTTP ${d.httpStatus}`}`);
      return finish({ delivered: d._id });
    },
    { connection, prefix: ctx.keys.bullPrefix, concurrency: ctx.config.WORKER_DELIVERY_CONCURRENCY, ...stallOptions(ctx.config, true) },
  );
  worker.on('error', (err) => ctx.log.warn({ err }, 'delivery worker error'));
  return async () => {
    await worker.close();
    connection.disconnect();
  };
}
