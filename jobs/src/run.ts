import type { AppContext } from '@offerly/backend/context';
import { runJob, type JobOutcome, type JobTrigger } from '@offerly/backend/job-runs/run-job';
import type { JobArgs, JobDef } from './job-def';

/** Runs one job under its lock and records the run; scheduled runs also claim their slot. */
export function executeJob(
  ctx: AppContext,
  def: JobDef,
  opts: { trigger: JobTrigger; slot?: string; from?: number; to?: number; nowMs?: number; progress?: (m: string) => void },
): Promise<JobOutcome> {
  const args: JobArgs = {
    nowMs: opts.nowMs ?? Date.now(),
    progress: opts.progress ?? ((m) => ctx.log.info({ job: def.name }, m)),
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
  };
  return runJob(
    ctx,
    {
      job: def.name,
      trigger: opts.trigger,
      ...(opts.slot ? { slot: opts.slot } : {}),
      ...(def.lock ? { lock: def.lock } : {}),
      windowFrom: opts.from !== undefined ? new Date(opts.from) : null,
      windowTo: opts.to !== undefined ? new Date(opts.to) : null,
    },
    (ctl) => def.run(ctx, ctl, args),
  );
}
