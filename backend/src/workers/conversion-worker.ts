import { DelayedError, Worker, type Job } from 'bullmq';
import type { AppContext } from '../context';
import { processPostback, RetryLater } from '../conversions/process-postback';
import type { PostbackJobData } from '../conversions/postback-job';
import { listPostback } from '../conversions/postback-list';
import { countCreatedConversion } from '../conversions/conversion-list';
import { retryFailedEffects } from '../conversions/effects-retry';
import { resolveFailedPostbackJobs } from '../conversions/failed-postbacks';
import { replaySpooledPostbacks } from '../conversions/postback-spool';
import { QUEUE_NAMES } from '../queues';
import { blockingConnection, stallOptions } from './connection';

const REPLAY_INTERVAL_MS = 5_000;

/**
 * A job started for the first time (never failed, stalled or delayed to wait
 * for its click; BullMQ counts each start) whose postback was not replayed
 * from MongoDB: no earlier run can have stored anything of it.
 */
/** Quick re-tries of a postback that waits on another one holding its sale's keys. */
const CONTENTION_RETRIES = 40;
const CONTENTION_DELAY_MS = 250;

const isFirstRun = (job: Job<PostbackJobData>) => job.attemptsStarted <= 1 && job.attemptsMade === 0 && job.stalledCounter === 0 && !job.data.stored;

/**
 * Drains the `conversions` queue. A postback whose click is not stored yet
 * is put back as a delayed job (not a failed attempt) until the click shows
 * up or POSTBACK_CLICK_WAIT_SECONDS pass. Alongside, a loop replays postbacks
 * that were stored in MongoDB while Redis was down, resolves the postbacks of
 * jobs that failed for good (and the conversions they left in `processing`),
 * and applies again conversion effects that failed after a status change.
 */
export async function startConversionWorker(ctx: AppContext): Promise<() => Promise<void>> {
  const connection = blockingConnection(ctx, 'conversion-worker');
  const worker = new Worker<PostbackJobData>(
    QUEUE_NAMES.conversions,
    async (job: Job<PostbackJobData>, token?: string) => {
      // Listed (idempotently) before processing may store it, so no stored postback is missing from the list.
      await listPostback(ctx, job.data);
      let outcome: Awaited<ReturnType<typeof processPostback>>;
      try {
        outcome = await processPostback(ctx, job.data, { firstRun: isFirstRun(job) });
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
      await countCreatedConversion(ctx, job.data.id, outcome);
      return outcome;
    },
    { connection, prefix: ctx.keys.bullPrefix, concurrency: ctx.config.WORKER_CONVERSION_CONCURRENCY, ...stallOptions(ctx.config, true) },
  );
  worker.on('failed', (job, err) => {
    if (err instanceof DelayedError || err.name === 'DelayedError') return;
    const final = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    // Its job stays in the failed set for an operator; the sweep below resolves the postback as processing_failed.
    if (final) ctx.log.error({ err, postbackId: job.id, attempts: job.attemptsMade }, 'postback processing gave up');
    else ctx.log.warn({ err, postbackId: job?.id, attempts: job?.attemptsMade }, 'postback processing failed; BullMQ retries it');
  });
  worker.on('error', (err) => ctx.log.warn({ err }, 'conversion worker error'));

  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const sweeps: Array<[string, () => Promise<number>]> = [
    ['replayed spooled postbacks', () => replaySpooledPostbacks(ctx, ctx.config.POSTBACK_REPLAY_AFTER_SECONDS * 1000)],
    ['resolved postbacks whose processing failed for good', () => resolveFailedPostbackJobs(ctx)],
    ['applied failed conversion effects again', () => retryFailedEffects(ctx)],
  ];
  let busy = false;
  const tick = () => {
    // A slow sweep (MongoDB busy) is not overlapped by the next tick.
    if (stopped || busy) return;
    busy = true;
    running = (async () => {
      for (const [what, sweep] of sweeps) {
        if (stopped) return;
        try {
          const n = await sweep();
          if (n) ctx.log.info({ count: n }, what);
        } catch (err) {
          ctx.log.warn({ err }, `${what}: failed; trying again later`);
        }
      }
    })().finally(() => {
      busy = false;
    });
  };
  const timer = setInterval(tick, Math.min(REPLAY_INTERVAL_MS, Math.max(200, ctx.config.POSTBACK_REPLAY_AFTER_SECONDS * 500)));
  tick();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await worker.close();
    connection.disconnect();
  };
}
