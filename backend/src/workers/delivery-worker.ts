import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { AppContext } from '../context';
import { deliverOnce } from '../outbound/deliver-once';
import { CONVERSION_DELIVERY_JOB, type ConversionDeliveryData } from '../outbound/delivery-jobs';
import { QUEUE_NAMES } from '../queues';
import { blockingConnection, stallOptions } from './connection';

/**
 * Calls affiliates' outbound postback URLs. A failed call is retried by
 * BullMQ (5 attempts, exponential backoff); a refused URL (not http(s), or an
 * address that is not public) is not retried, since it would be refused again.
 */
export async function startDeliveryWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const connection = blockingConnection(ctx, 'delivery-worker');
  const worker = new Worker<ConversionDeliveryData>(
    QUEUE_NAMES.deliveries,
    async (job: Job<ConversionDeliveryData>) => {
      if (job.name !== CONVERSION_DELIVERY_JOB) return { skipped: `unknown job ${job.name}` };
      const res = await deliverOnce(ctx, { id: job.id, conversionId: job.data.conversionId, attempt: job.attemptsMade + 1 });
      if ('refused' in res) throw new UnrecoverableError(`refused: ${res.refused}`);
      if ('failed' in res) throw new Error(`delivery failed: ${res.failed}`);
      return res.done;
    },
    { connection, prefix: ctx.keys.bullPrefix, concurrency: ctx.config.WORKER_DELIVERY_CONCURRENCY, ...stallOptions(ctx.config, true) },
  );
  worker.on('error', (err) => ctx.log.warn({ err }, 'delivery worker error'));
  return async () => {
    await worker.close();
    connection.disconnect();
  };
}
