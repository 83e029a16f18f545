import type { AppContext } from '../context';
import { GroupCommit, perContext } from '../db/group-commit';

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

/** Announcements enqueued at the same time go to Redis in one addBulk (a job id already held is kept, as with add). */
const deliveryAdds = perContext(
  (ctx: AppContext) =>
    new GroupCommit<ConversionDeliveryData & { seq: number }, true>(async (items) => {
      await ctx.queues.deliveries.addBulk(
        items.map((data) => ({
          name: CONVERSION_DELIVERY_JOB,
          data,
          opts: { jobId: conversionDeliveryJobId(data.conversionId, data.seq), attempts: DELIVERY_ATTEMPTS, backoff: { type: 'exponential', delay: ctx.config.OUTBOUND_BACKOFF_MS } },
        })),
      );
      return items.map(() => true as const);
    }, 200),
);

export async function enqueueConversionDelivery(ctx: AppContext, conversionId: string, seq: number): Promise<void> {
  await deliveryAdds(ctx).add({ conversionId, seq });
}
