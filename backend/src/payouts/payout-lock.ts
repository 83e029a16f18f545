import type { AppContext } from '../context';
import { acquireLock, type HeldLock } from '../job-runs/lock';

/**
 * One change at a time per payout, across processes: a review (transitions.ts)
 * and a payout run building it take the same Redis lock. FerretDB applies
 * conditional updates without atomicity under concurrency, so two builders of
 * one payout would each believe they own its claims; the lock keeps a run
 * from resuming a payout another live run is building. A crashed run's lock
 * runs out after its TTL (as long as a job's lock: the next run cannot start
 * sooner anyway), and the next run finishes the payout. Null if held.
 */
export function lockPayout(ctx: AppContext, payoutId: string, ttlMs: number): Promise<HeldLock | null> {
  return acquireLock(ctx.redis, ctx.keys.jobLock(`payout:${payoutId}`), ttlMs);
}

/** How long a build holds its payout's lock without renewing it (renewed every third of it while held). */
export const BUILD_LOCK_TTL_MS = 60_000;
