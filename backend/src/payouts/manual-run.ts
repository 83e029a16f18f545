import type { JobRun } from '@offerly/contract';
import type { AppContext } from '../context';
import { ApiError } from '../domain/errors';
import { jobRunView, runJob } from '../job-runs/run-job';
import { runPayouts } from './run';

/** A payout run an admin asked for: under the scheduled run's lock, so while one is in progress it is a 409. */
export async function runPayoutsNow(ctx: AppContext, by: string): Promise<JobRun> {
  const outcome = await runJob(ctx, { job: 'payouts', trigger: 'manual' }, async (ctl) => ({ counts: await runPayouts(ctx, { runId: ctl.runId, by, signal: ctl.signal }) }));
  if (outcome.status === 'skipped') throw new ApiError('conflict', 'A payout run is already in progress');
  return jobRunView(outcome.run);
}
