import { DelayedError, Worker, type Job } from 'bullmq';
import type { AppContext } from '../context';
import { RetryLater } from '../conversions/process-postback';
import type { PostbackJobData } from '../conversions/postback-job';
import { runPostbackJob } from '../conversions/run-postback-job';
import { startConversionUpkeep } from '../conversions/upkeep';
import { QUEUE_NAMES } from '../queues';
import { blockingConnection, stallOptions } from './connection';

/** Quick re-tries of a postback that waits on another one holding its sale's keys. */
const CONTENTION_RETRIES = 40;
const CONTENTION_DELAY_MS = 250;

/**
 * A job started for the first time (never failed, stalled or delayed to wait
 * for its click; BullMQ counts each start) whose postback was not replayed
 * from MongoDB: no earlier run can have stored anything of it.
 */
const isFirstRun = (job: Job<PostbackJobData>) => job.attemptsStarted <= 1 && job.attemptsMade === 0 && job.stalledCounter === 0 && !job.data.stored;

/**
 * Drains the `conversions` queue. A postback whose click is not stored yet
 * is put back as a delayed job (not a failed attempt) until the click shows
 * up or POSTBACK_CLICK_WAIT_SECONDS pass. Alongside runs the conversions'
 * upkeep loop (spooled postbacks, jobs failed for good, failed effects).
 */
export async function startConversionWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const connection = blockingConnection(ctx, 'conversion-worker');
  const worker = new Worker<PostbackJobData>(
    QUEUE_NAMES.conversions,
    async (job: Job<PostbackJobData>, token?: string) => {
      let outcome: Awaited<ReturnType<typeof runPostbackJob>>;
      try {
        outcome = await runPostbackJob(ctx, job.data, { firstRun: isFirstRun(job) });
      } catch (err) {
        // Waiting on another postback of the same sale: a short delay, not an attempt, whose exponential backoff
        // would reach tens of seconds after a burst of replays. Bounded, then BullMQ's attempts take over.
        if (!(err instanceof RetryLater) || job.attemptsStarted >= CONTENTION_RETRIES) throw err;
        await job.moveToDelayed(Date.now() + CONTENTION_DELAY_MS + Math.floor(Math.random() * CONTENTION_DELAY_MS), token);
        throw new DelayedError();
      }
      if (outcome.kind === 'wait') {
        await job.moveToDelayed(outcome.untilMs, token);
        throw new DelayedError();
      }
      return outcome;
    },
    { connection, prefix: ctx.keys.bullPrefix, concurrency: ctx.config.WORKER_CONVERSION_CONCURRENCY, ...stallOptions(ctx.config, true) },
  );
  worker.on('failed', (job, err) => {
    if (err instanceof DelayedError || err.name === 'DelayedError') return;
    const final = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    // Its job stays in the failed set for an operator; the upkeep loop resolves the postback as processing_failed.
    if (final) ctx.log.error({ err, postbackId: job.id, attempts: job.attemptsMade }, 'postback processing gave up');
    else ctx.log.warn({ err, postbackId: job?.id, attempts: job?.attemptsMade }, 'postback processing failed; BullMQ retries it');
  });
  worker.on('error', (err) => ctx.log.warn({ err }, 'conversion worker error'));
  const stopUpkeep = startConversionUpkeep(ctx);

  return async () => {
    await stopUpkeep();
    await worker.close();
    connection.disconnect();
  };
}
