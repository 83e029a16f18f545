import os from 'node:os';
import type { JobRun } from '@offerly/contract';
import type { AppContext } from '../context';
import { newId } from '../db/ids';
import type { JobRunDoc } from '../db/models/job-run';
import { acquireLock, claimOnce } from './lock';
import { abandonOpenRuns, countNewRun, countRunEnd, listEndingRun, listNewRun } from './run-list';

export type JobTrigger = JobRunDoc['trigger'];

export interface JobResult {
  counts: Record<string, number>;
  details?: Record<string, unknown>;
}

export interface JobControl {
  runId: string;
  /** Aborted if the job lost its lock; long jobs check it between steps. */
  signal: AbortSignal;
  /** Records the time window the run covers (shown in the job-runs list). */
  setWindow(from: Date | null, to: Date | null): Promise<void>;
}

export interface RunJobOptions {
  job: string;
  trigger: JobTrigger;
  /** Scheduled runs name their slot (job + scheduled minute) so a second process firing late does not repeat it. */
  slot?: string;
  /** Lock name when several jobs must not overlap (a backfill and the hourly rollup); defaults to `job`. */
  lock?: string;
  windowFrom?: Date | null;
  windowTo?: Date | null;
  lockTtlMs?: number;
}

export type JobOutcome =
  | { status: 'skipped'; reason: 'locked' | 'slot_taken'; run: null }
  | { status: 'succeeded' | 'failed'; reason: null; run: JobRunDoc };

export const DEFAULT_LOCK_TTL_MS = 60_000;
const SLOT_TTL_MS = 2 * 86_400_000;
const HOST = `${os.hostname()}:${process.pid}`;

/**
 * Runs a job at most once at a time across every process sharing the Redis:
 * the job's lock first, then (for scheduled runs) its slot marker; each run is
 * recorded in `job_runs` (and listed, see run-list.ts) with its counts or its error. A failing job is
 * recorded as failed and reported, not thrown.
 */
export async function runJob(ctx: AppContext, opts: RunJobOptions, fn: (ctl: JobControl) => Promise<JobResult>): Promise<JobOutcome> {
  const lock = await acquireLock(ctx.redis, ctx.keys.jobLock(opts.lock ?? opts.job), opts.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
  if (!lock) return { status: 'skipped', reason: 'locked', run: null };
  try {
    if (opts.slot && !(await claimOnce(ctx.redis, ctx.keys.jobSlot(opts.job, opts.slot), SLOT_TTL_MS))) {
      return { status: 'skipped', reason: 'slot_taken', run: null };
    }
    const startedAt = new Date();
    // Holding the lock means no other run of this job may go on: older "running" records were abandoned
    // (their process stopped, or lost the lock and will stop at its next check).
    await abandonOpenRuns(ctx, opts.job, startedAt, 'abandoned: its process stopped or lost the lock');
    const runId = newId();
    // Listed (and marked open) before it is stored, counted once the insert stored it.
    await listNewRun(ctx.db, { _id: runId, job: opts.job, startedAt });
    const run = await ctx.models.JobRun.create({
      _id: runId,
      job: opts.job,
      trigger: opts.trigger,
      slot: opts.slot ?? null,
      windowFrom: opts.windowFrom ?? null,
      windowTo: opts.windowTo ?? null,
      startedAt,
      status: 'running',
      counts: {},
      error: null,
      host: HOST,
    });
    await countNewRun(ctx.db, run);
    const ctl: JobControl = {
      runId: run._id,
      signal: lock.signal,
      setWindow: async (from, to) => {
        await ctx.models.JobRun.updateOne({ _id: run._id }, { $set: { windowFrom: from, windowTo: to } });
      },
    };
    let update: Partial<JobRunDoc>;
    try {
      const result = await fn(ctl);
      update = { status: 'succeeded', counts: result.counts, details: result.details ?? {}, finishedAt: new Date() };
    } catch (err) {
      ctx.log.error({ err, job: opts.job, runId: run._id }, 'job failed');
      update = { status: 'failed', error: err instanceof Error ? err.message : String(err), finishedAt: new Date() };
    }
    // Only while still `running`: a run that lost its lock may have been marked abandoned by the
    // run that took the lock over, and must not overwrite that with its own outcome.
    const ended = update.status === 'succeeded' ? 'succeeded' : 'failed';
    await listEndingRun(ctx.db, run, ended);
    let done = (await ctx.models.JobRun.findOneAndUpdate({ _id: run._id, status: 'running' }, { $set: update }, { returnDocument: 'after' }).lean()) as JobRunDoc | null;
    if (done) await countRunEnd(ctx.db, run, ended);
    else {
      done = (await ctx.models.JobRun.findById(run._id).lean()) as JobRunDoc;
      ctx.log.warn({ job: opts.job, runId: run._id, status: done.status, outcome: update.status }, 'job run finished after another run had taken its lock over; its record is kept');
    }
    return { status: done.status === 'succeeded' ? 'succeeded' : 'failed', reason: null, run: done };
  } finally {
    await lock.release();
  }
}

const isoOrNull = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** A run as the API shows it. */
export function jobRunView(r: JobRunDoc): JobRun {
  return {
    id: r._id,
    job: r.job,
    trigger: r.trigger,
    slot: r.slot ?? null,
    windowFrom: isoOrNull(r.windowFrom),
    windowTo: isoOrNull(r.windowTo),
    startedAt: new Date(r.startedAt).toISOString(),
    finishedAt: isoOrNull(r.finishedAt),
    status: r.status,
    counts: r.counts ?? {},
    details: r.details ?? {},
    error: r.error ?? null,
    host: r.host ?? null,
  };
}
