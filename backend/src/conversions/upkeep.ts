import type { AppContext } from '../context';
import { retryFailedEffects } from './effects-retry';
import { resolveFailedPostbackJobs } from './failed-postbacks';
import { replaySpooledPostbacks } from './postback-spool';

const REPLAY_INTERVAL_MS = 5_000;

/**
 * Starts the loop beside the conversion worker: it replays postbacks that
 * were stored in MongoDB while Redis was down, resolves the postbacks of jobs
 * that failed for good (and the conversions they left in `processing`), and
 * applies again conversion effects that failed after a status change. The
 * returned function stops it after the sweep in progress.
 */
export function startConversionUpkeep(ctx: AppContext): () => Promise<void> {
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
  };
}
