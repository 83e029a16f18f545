import { MetricsTime } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { AppContext } from '../context';

/**
 * A connection for a BullMQ worker, on the same server as the context's:
 * workers block on Redis and must retry forever (the `blocking` flavour).
 */
export function blockingConnection(ctx: AppContext, name: string): Redis {
  const client = ctx.redis.duplicate({ connectionName: name, maxRetriesPerRequest: null, enableReadyCheck: true });
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  return client;
}

/**
 * Lock and stall settings shared by the workers. A worker that dies (SIGKILL,
 * OOM, lost host) leaves its jobs active; another worker takes them back once
 * their lock (WORKER_LOCK_MS) has expired, at its next stall check
 * (WORKER_STALLED_CHECK_MS). Jobs whose processing is idempotent may be taken
 * back as often as it takes: BullMQ's default (once) fails a job for good when
 * it was active during a second crash, which for a click batch would lose
 * clicks that were already redirected.
 */
export function stallOptions(config: Pick<Config, 'WORKER_LOCK_MS' | 'WORKER_STALLED_CHECK_MS'>, idempotent: boolean) {
  return {
    lockDuration: config.WORKER_LOCK_MS,
    stalledInterval: config.WORKER_STALLED_CHECK_MS,
    // BullMQ's own per-minute counts of completed and failed jobs, which the API's /metrics reports.
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    ...(idempotent ? { maxStalledCount: IDEMPOTENT_MAX_STALLED } : {}),
  };
}

/** Far beyond any run of crashes; a batch that kills every worker taking it still ends in `failed` eventually. */
export const IDEMPOTENT_MAX_STALLED = 50;
