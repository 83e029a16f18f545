import { UnrecoverableError, Worker } from 'bullmq';
import type { AppContext } from '../context';
import { QUEUE_NAMES } from '../queues';
import { createLiveEmitter } from '../realtime/live-counters';
import { clickBatchSchema, type ClickBatch } from '../tracking/click-event';
import { processClickBatch, type ClickBatchDeps, type ClickBatchResult } from '../tracking/process-click-batch';
import { stallOptions } from './connection';

export interface ClickWorkerOptions {
  afterStore?: ClickBatchDeps['afterStore'];
  concurrency?: number;
}

/** The BullMQ worker draining the `clicks` queue; the returned function stops it after the active jobs. */
export async function startClickWorker(ctx: AppContext, opts: ClickWorkerOptions = {}): Promise<() => Promise<void>> {
  const connection = ctx.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'worker:clicks' });
  connection.on('error', () => {});
  const deps: ClickBatchDeps = {
    db: ctx.db,
    redis: ctx.redis,
    keys: ctx.keys,
    log: ctx.log,
    models: ctx.models,
    config: ctx.config,
    emitter: createLiveEmitter(ctx.redis, ctx.keys),
    afterStore: opts.afterStore,
  };
  const worker = new Worker<ClickBatch, ClickBatchResult>(
    QUEUE_NAMES.clicks,
    async (job) => {
      const parsed = clickBatchSchema.safeParse(job.data);
      // A malformed batch will never succeed: fail it at once and keep it for inspection.
      if (!parsed.success) throw new UnrecoverableError(`malformed click batch: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return processClickBatch(deps, parsed.data);
    },
    { connection, prefix: ctx.keys.bullPrefix, concurrency: opts.concurrency ?? ctx.config.WORKER_CLICK_CONCURRENCY, ...stallOptions(ctx.config, true) },
  );
  worker.on('failed', (job, err) => {
    ctx.log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'click batch failed; BullMQ retries it with backoff');
  });
  worker.on('error', (err) => ctx.log.error({ err }, 'click worker error'));
  await worker.waitUntilReady();
  return async () => {
    await worker.close();
    connection.disconnect();
  };
}
