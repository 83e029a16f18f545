import { autoApprove } from '@offerly/backend/auto-approve/auto-approve';
import type { AppContext } from '@offerly/backend/context';
import { runPayouts } from '@offerly/backend/payouts/run';

export interface JobTimings {
  /** ms of each of two payout runs in a row right after the seed (the second finds nothing new to pay). */
  payoutRunMs: number[];
  /** ms of each of two auto-approval runs in a row. */
  autoApproveMs: number[];
  method: string;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return Math.round(performance.now() - t0);
}

/** What a scheduled job step costs on the seeded history: the cost of looking, which must not grow with the collections. */
export async function timeJobs(ctx: AppContext): Promise<JobTimings> {
  const payoutRunMs: number[] = [];
  const autoApproveMs: number[] = [];
  for (let i = 0; i < 2; i++) payoutRunMs.push(await timed(() => runPayouts(ctx, { runId: `bench-${i}`, by: 'system' })));
  for (let i = 0; i < 2; i++) autoApproveMs.push(await timed(() => autoApprove(ctx)));
  return { payoutRunMs, autoApproveMs, method: 'runPayouts and autoApprove called in the bench process on the seeded database, twice each in a row, before the API starts; ms of each call' };
}
