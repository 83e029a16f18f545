import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

export const QUEUE_NAMES = { clicks: 'clicks', conversions: 'conversions', deliveries: 'deliveries' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * Completed jobs are removed at once (the data lives in MongoDB); failed ones
 * are kept for inspection in the queue dashboard.
 */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  clicks: { attempts: 20, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true, removeOnFail: { count: 10_000 } },
  conversions: { attempts: 20, backoff: { type: 'exponential', delay: 250 }, removeOnComplete: true, removeOnFail: { count: 10_000 } },
  deliveries: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { count: 10_000 } },
};

export type Queues = Record<QueueName, Queue>;

export function createQueues(connection: Redis, prefix: string): Queues {
  const make = (name: QueueName) => {
    const q = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS[name], skipWaitingForReady: true });
    // Connection errors surface through the calls that fail (an add falls back to the spool); without a
    // listener BullMQ prints each reconnect attempt's error to stderr while Redis is down.
    q.on('error', () => {});
    return q;
  };
  return { clicks: make('clicks'), conversions: make('conversions'), deliveries: make('deliveries') };
}
