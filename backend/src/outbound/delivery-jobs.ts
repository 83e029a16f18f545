import type { AppContext } from '../context';

/**
 * Jobs on the `deliveries` queue. `conversion` jobs carry only the id: the
 * worker reads the conversion and the affiliate's settings at send time.
 *
 * The job id names one status transition of a conversion by its position in
 * the conversion's history (1 = its creation). A status that comes back
 * (approved → rejected → approved) is a new transition and is announced
 * again; the same transition enqueued twice (a retried postback job, the
 * effects sweep) maps to the same job while BullMQ holds it, and the worker
 * skips one whose id was delivered already.
 */
export const CONVERSION_DELIVERY_JOB = 'conversion';
export const DELIVERY_ATTEMPTS = 5;

export interface ConversionDeliveryData {
  conversionId: string;
  /** Position of the transition in the conversion's history (absent in jobs enqueued before it was added). */
  seq?: number;
}

// BullMQ accepts ':' in a custom job id only in this three-part shape.
export const conversionDeliveryJobId = (conversionId: string, seq: number) => `conv:${conversionId}:${seq}`;

/** How long a delivered (or skipped) job id is remembered, so a late duplicate of it is not called again. */
export const DELIVERY_DONE_TTL_S = 7 * 86_400;

export const deliveryDoneKey = (ctx: AppContext, jobId: string) => `${ctx.keys.prefix}:delivery-done:${jobId}`;

export async function enqueueConversionDelivery(ctx: AppContext, conversionId: string, seq: number): Promise<void> {
  const data: ConversionDeliveryData = { conversionId, seq };
  await ctx.queues.deliveries.add(CONVERSION_DELIVERY_JOB, data, {
    jobId: conversionDeliveryJobId(conversionId, seq),
    attempts: DELIVERY_ATTEMPTS,
    backoff: { type: 'exponential', delay: ctx.config.OUTBOUND_BACKOFF_MS },
  });
}
