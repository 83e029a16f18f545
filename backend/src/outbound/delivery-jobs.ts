import type { AppContext } from '../context';

/**
 * Jobs on the `deliveries` queue. `conversion` jobs carry only the id: the
 * worker reads the conversion and the affiliate's settings at send time.
 * The job id makes each status of a conversion enqueue once.
 */
export const CONVERSION_DELIVERY_JOB = 'conversion';
export const DELIVERY_ATTEMPTS = 5;

export interface ConversionDeliveryData {
  conversionId: string;
}

export const conversionDeliveryJobId = (conversionId: string, status: string) => `conv:${conversionId}:${status}`;

export async function enqueueConversionDelivery(ctx: AppContext, conversionId: string, status: string): Promise<void> {
  const data: ConversionDeliveryData = { conversionId };
  await ctx.queues.deliveries.add(CONVERSION_DELIVERY_JOB, data, {
    jobId: conversionDeliveryJobId(conversionId, status),
    attempts: DELIVERY_ATTEMPTS,
    backoff: { type: 'exponential', delay: ctx.config.OUTBOUND_BACKOFF_MS },
  });
}
