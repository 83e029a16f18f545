import type { AppContext } from '../../backend/src/context';
import type { PayoutDoc } from '../../backend/src/db/models/payout';
import { DAY_MS, daysBetween, hoursBetween } from '../../backend/src/domain/time-buckets';
import { runJob } from '../../backend/src/job-runs/run-job';
import { runPayouts } from '../../backend/src/payouts/run';
import { transitionPayout } from '../../backend/src/payouts/transitions';
import { rollDays } from '../../backend/src/rollups/daily';
import { rollHours, type RollProgress } from '../../backend/src/rollups/hourly';

/**
 * Rolls the seeded window up like the scheduled hourly rollup (same lock,
 * recorded in job_runs), so the dashboard's charts read rollups from the first
 * page view. Replace semantics: a re-run rewrites nothing that is right.
 */
export async function rollUpHistory(ctx: AppContext, fromMs: number, toMs: number, onProgress: (p: RollProgress) => void): Promise<{ hours: number; rows: number; days: number }> {
  const outcome = await runJob(ctx, { job: 'rollup', lock: 'rollup-hourly', trigger: 'cli', windowFrom: new Date(fromMs), windowTo: new Date(toMs) }, async (ctl) => {
    const hourly = await rollHours(ctx, hoursBetween(fromMs, toMs), { signal: ctl.signal, onProgress });
    const daily = await rollDays(ctx, daysBetween(fromMs, toMs), { signal: ctl.signal });
    return { counts: { ...hourly, days: daily.days, dailyRows: daily.rows } };
  });
  if (outcome.status === 'skipped') throw new Error('another rollup is running (jobs process?); run the seed again once it has finished');
  if (outcome.status === 'failed') throw new Error(`rollup failed: ${outcome.run.error}`);
  const c = outcome.run.counts;
  return { hours: c.hours ?? 0, rows: c.rows ?? 0, days: c.days ?? 0 };
}

/** What the admin did with a run's payouts, by the run's age in weeks (0 = the newest run). */
function reviewSteps(ageWeeks: number): Array<'approve' | 'markPaid'> {
  if (ageWeeks === 0) return [];
  return ageWeeks === 1 ? ['approve'] : ['approve', 'markPaid'];
}

/**
 * Payout runs as the weekly schedule would have made them over the seeded
 * window (each with the configured hold period before its date), then admin
 * reviews: the oldest runs approved and paid, the next approved, the newest
 * left awaiting approval. A re-run finds every conversion claimed and every
 * payout already reviewed, so it changes nothing.
 */
export async function runHistoricalPayouts(ctx: AppContext, adminId: string, windowStartMs: number, windowEndMs: number): Promise<{ runs: number; payouts: number; conversions: number }> {
  const totals = { runs: 0, payouts: 0, conversions: 0 };
  const runDates: number[] = [];
  for (let t = windowEndMs; t > windowStartMs + ctx.config.PAYOUT_HOLD_DAYS * DAY_MS; t -= 7 * DAY_MS) runDates.unshift(t);
  for (const [i, nowMs] of runDates.entries()) {
    const outcome = await runJob(ctx, { job: 'payouts', trigger: 'cli', windowTo: new Date(nowMs) }, async (ctl) => ({
      counts: { ...(await runPayouts(ctx, { runId: ctl.runId, nowMs, by: 'system' })) },
    }));
    if (outcome.status !== 'succeeded') throw new Error(`payout run failed: ${outcome.run?.error ?? outcome.reason}`);
    totals.runs += 1;
    totals.payouts += outcome.run.counts.payouts ?? 0;
    totals.conversions += outcome.run.counts.conversions ?? 0;
    const steps = reviewSteps(runDates.length - 1 - i);
    const payouts = (await ctx.models.Payout.find({ runId: outcome.run._id, status: 'pending_approval' }).lean()) as PayoutDoc[];
    for (const p of payouts) {
      for (const action of steps) {
        await transitionPayout(ctx, p._id, action, adminId, action === 'markPaid' ? { reference: `WIRE-${p._id.slice(-6).toUpperCase()}` } : { note: 'checked against the advertiser statements' });
      }
    }
  }
  return totals;
}
