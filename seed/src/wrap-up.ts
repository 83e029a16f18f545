import type { AppContext } from '../../backend/src/context';
import type { PayoutDoc } from '../../backend/src/db/models/payout';
import type { PayoutAction } from '../../backend/src/domain/payout-plan';
import { DAY_MS, daysBetween, hoursBetween } from '../../backend/src/domain/time-buckets';
import { runJob, type JobControl, type JobOutcome, type JobResult, type RunJobOptions } from '../../backend/src/job-runs/run-job';
import { runPayouts } from '../../backend/src/payouts/run';
import { transitionPayout } from '../../backend/src/payouts/transitions';
import { rollHours, type RollProgress } from '../../backend/src/rollups/hourly';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export interface LockWait {
  /** Told each time the job's lock is found held by another process. */
  onWait?(message: string): void;
  /** How long to keep trying before giving up (default 10 minutes). */
  lockWaitMs?: number;
  /** Pause between attempts (default 5 s). */
  lockPollMs?: number;
}

/**
 * runJob, retried while another process (a running `npm start`'s jobs
 * process) holds the job's lock: the seed may run next to it, and that
 * process's runs are short.
 */
async function runJobWaiting(ctx: AppContext, opts: RunJobOptions, w: LockWait, fn: (ctl: JobControl) => Promise<JobResult>): Promise<Exclude<JobOutcome, { status: 'skipped' }>> {
  const waitMs = w.lockWaitMs ?? 600_000;
  const pollMs = w.lockPollMs ?? 5000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const outcome = await runJob(ctx, opts, fn);
    if (outcome.status !== 'skipped') return outcome;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(`the ${opts.job} job was still running elsewhere after ${secs(waitMs)} (the jobs process of \`npm start\`?); run the seed again once it has finished`);
    }
    w.onWait?.(`another process is running the ${opts.job} job (the jobs process of \`npm start\`?); retrying in ${secs(pollMs)}, giving up in ${secs(left)}`);
    await sleep(Math.min(pollMs, left));
  }
}

export interface RollUpOptions extends LockWait {
  onProgress(p: RollProgress): void;
  /**
   * Reuse a rollup of exactly this window that already succeeded instead of
   * rolling again (for a re-run that wrote no new history).
   */
  reuseDone?: boolean;
}

/**
 * Rolls the seeded window up like the scheduled hourly rollup (same lock,
 * recorded in job_runs), so the dashboard's charts read rollups from the first
 * page view. Replace semantics: a re-run rewrites nothing that is right.
 */
export async function rollUpHistory(ctx: AppContext, fromMs: number, toMs: number, o: RollUpOptions): Promise<{ hours: number; rows: number; days: number; reused: boolean }> {
  const window = { windowFrom: new Date(fromMs), windowTo: new Date(toMs) };
  if (o.reuseDone) {
    const done = await ctx.models.JobRun.findOne({ job: 'rollup', status: 'succeeded', ...window }, { counts: 1 }).lean();
    if (done) return { hours: done.counts.hours ?? 0, rows: done.counts.rows ?? 0, days: done.counts.days ?? 0, reused: true };
  }
  const outcome = await runJobWaiting(ctx, { job: 'rollup', lock: 'rollup-hourly', trigger: 'cli', ...window }, o, async (ctl) => {
    const hourly = await rollHours(ctx, hoursBetween(fromMs, toMs), { signal: ctl.signal, onProgress: o.onProgress });
    return { counts: { ...hourly, days: daysBetween(fromMs, toMs).length } };
  });
  if (outcome.status === 'failed') throw new Error(`rollup failed: ${outcome.run.error}`);
  const c = outcome.run.counts;
  return { hours: c.hours ?? 0, rows: c.rows ?? 0, days: c.days ?? 0, reused: false };
}

/**
 * The weekly payout dates of the window, oldest first: always one at the
 * window end, then every 7 days back while a run would still find
 * conversions past the hold period inside the window.
 */
export function payoutRunDates(windowStartMs: number, windowEndMs: number, holdDays: number): number[] {
  const dates = [windowEndMs];
  for (let t = windowEndMs - 7 * DAY_MS; t > windowStartMs + holdDays * DAY_MS; t -= 7 * DAY_MS) dates.unshift(t);
  return dates;
}

/** What the admin did with a run's payouts, by the run's age in weeks (0 = the newest run). */
function reviewSteps(ageWeeks: number): PayoutAction[] {
  if (ageWeeks === 0) return [];
  return ageWeeks === 1 ? ['approve'] : ['approve', 'markPaid'];
}

export interface PayoutTotals {
  /** Weekly runs of the window. */
  runs: number;
  /** Of those, runs made by this call (the others had succeeded before). */
  newRuns: number;
  payouts: number;
  conversions: number;
  /** Days of a CPC campaign's paid clicks (per affiliate) in those payouts. */
  clickEarnings: number;
  /** Review steps (approve, mark paid) applied by this call. */
  reviewed: number;
}

/**
 * Payout runs as the weekly schedule would have made them over the seeded
 * window (each with the platform's hold period before its date), then admin
 * reviews: the oldest runs approved and paid, the next approved, the newest
 * left awaiting approval. Resumable: a run that succeeded before is not made
 * again (nor recorded twice in job_runs), and reviews pick up every payout of
 * the seed's runs where it stands, so a payout approved before an
 * interruption is still marked paid.
 */
export async function runHistoricalPayouts(ctx: AppContext, adminId: string, windowStartMs: number, windowEndMs: number, w: LockWait = {}): Promise<PayoutTotals> {
  // The hold period in effect, as the payout job reads it: an admin's stored setting, else the environment's.
  const { payoutHoldDays } = (await ctx.settings.read()).values;
  const dates = payoutRunDates(windowStartMs, windowEndMs, payoutHoldDays);
  const totals: PayoutTotals = { runs: dates.length, newRuns: 0, payouts: 0, conversions: 0, clickEarnings: 0, reviewed: 0 };
  const seedRuns = { job: 'payouts', trigger: 'cli' as const, windowTo: { $in: dates.map((d) => new Date(d)) } };
  const succeeded = new Set(
    (await ctx.models.JobRun.find({ ...seedRuns, status: 'succeeded' }, { windowTo: 1 }).lean()).map((r) => r.windowTo!.getTime()),
  );
  for (const nowMs of dates) {
    if (succeeded.has(nowMs)) continue;
    const outcome = await runJobWaiting(ctx, { job: 'payouts', trigger: 'cli', windowTo: new Date(nowMs) }, w, async (ctl) => ({
      counts: { ...(await runPayouts(ctx, { runId: ctl.runId, nowMs, by: 'system' })) },
    }));
    if (outcome.status === 'failed') throw new Error(`payout run failed: ${outcome.run.error}`);
    totals.newRuns += 1;
    totals.payouts += outcome.run.counts.payouts ?? 0;
    totals.conversions += outcome.run.counts.conversions ?? 0;
    totals.clickEarnings += outcome.run.counts.clickEarnings ?? 0;
  }

  // A payout keeps the id of the run that created it (also when a later run finished building it).
  const ageOfRun = new Map<string, number>();
  for (const r of await ctx.models.JobRun.find(seedRuns, { windowTo: 1 }).lean()) {
    ageOfRun.set(r._id, dates.length - 1 - dates.indexOf(r.windowTo!.getTime()));
  }
  const open = (await ctx.models.Payout.find({ runId: { $in: [...ageOfRun.keys()] }, status: { $in: ['pending_approval', 'approved'] } }).lean()) as PayoutDoc[];
  for (const p of open) {
    const steps = reviewSteps(ageOfRun.get(p.runId)!);
    for (const action of p.status === 'approved' ? steps.filter((s) => s !== 'approve') : steps) {
      await transitionPayout(ctx, p._id, action, adminId, action === 'markPaid' ? { reference: `WIRE-${p._id.slice(-6).toUpperCase()}` } : { note: 'checked against the advertiser statements' });
      totals.reviewed += 1;
    }
  }
  return totals;
}
