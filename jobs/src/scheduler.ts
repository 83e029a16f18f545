import type { AppContext } from '@offerly/backend/context';
import cron, { type ScheduledTask } from 'node-cron';
import type { JobDef } from './job-def';
import { executeJob } from './run';

export interface Scheduler {
  tasks: Array<{ job: string; expression: string }>;
  /** Stops scheduling and waits for runs in progress. */
  stop(): Promise<void>;
}

/**
 * Schedules every job that has a CRON_* setting (UTC). Any number of job
 * processes may run this: each tick takes the job's Redis lock and claims the
 * scheduled slot, so a slot runs once across all of them.
 */
export function startScheduler(ctx: AppContext, jobs: JobDef[]): Scheduler {
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  const listed: Scheduler['tasks'] = [];
  for (const def of jobs) {
    if (!def.schedule) continue;
    const expression = ctx.config[def.schedule];
    const task = cron.schedule(
      expression,
      async (tc) => {
        const slot = new Date(Math.floor(tc.date.getTime() / 1000) * 1000).toISOString();
        const p = executeJob(ctx, def, { trigger: 'schedule', slot })
          .then((o) => {
            if (o.status === 'skipped') ctx.log.debug({ job: def.name, slot, reason: o.reason }, 'job skipped');
            else ctx.log.info({ job: def.name, slot, status: o.status, counts: o.run.counts, error: o.run.error }, 'job finished');
          })
          .catch((err: unknown) => ctx.log.error({ err, job: def.name }, 'job could not start'));
        running.add(p);
        await p.finally(() => running.delete(p));
      },
      { name: def.name, timezone: 'UTC', noOverlap: true },
    );
    tasks.push(task);
    listed.push({ job: def.name, expression });
  }
  return {
    tasks: listed,
    async stop() {
      for (const t of tasks) await t.destroy();
      await Promise.allSettled([...running]);
    },
  };
}
