import type { AppContext } from '@offerly/backend/context';
import cron, { type ScheduledTask } from 'node-cron';
import type { JobDef, SettingsSchedule } from './job-def';
import { executeJob } from './run';

export interface Scheduler {
  /** What is scheduled now (a schedule from the platform settings changes when an admin changes it). */
  readonly tasks: Array<{ job: string; expression: string }>;
  /** Re-reads the platform settings and reschedules what they changed (also done on every change message, and every minute). */
  refresh(): Promise<void>;
  /** Stops scheduling and waits for runs in progress. */
  stop(): Promise<void>;
}

interface Entry {
  def: JobDef;
  expression: string;
  task: ScheduledTask;
}

/** A missed change message (Redis down) is caught up this often; a settings read by `_id` is all it costs. */
const SETTINGS_RECHECK_MS = 60_000;

const fromSettings = (def: JobDef): SettingsSchedule | null => (def.schedule !== null && typeof def.schedule === 'object' ? def.schedule : null);

/**
 * Schedules every job that has a schedule (UTC): a CRON_* setting, or for
 * the payout run the platform settings, which admins change at run time —
 * on a change (a `settings` message on the cache bus, or the minute's
 * re-check) the job is rescheduled. Any number of job processes may run
 * this: each tick takes the job's Redis lock and claims the scheduled slot,
 * so a slot runs once across all of them.
 */
export async function startScheduler(ctx: AppContext, jobs: JobDef[]): Promise<Scheduler> {
  const running = new Set<Promise<unknown>>();
  const schedule = (def: JobDef, expression: string): ScheduledTask =>
    cron.schedule(
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

  const entries: Entry[] = [];
  const dynamic = jobs.filter((d) => fromSettings(d) !== null);
  const values = dynamic.length ? (await ctx.settings.read()).values : null;
  for (const def of jobs) {
    if (!def.schedule) continue;
    const s = fromSettings(def);
    const expression = s && values ? s.fromSettings(values) : ctx.config[def.schedule as Exclude<JobDef['schedule'], SettingsSchedule | null>];
    entries.push({ def, expression, task: schedule(def, expression) });
  }

  /** Reschedules the jobs whose expression the settings changed; a bad expression keeps the old schedule. */
  const reschedule = async () => {
    if (!dynamic.length) return;
    const now = (await ctx.settings.read()).values;
    for (const e of entries) {
      const s = fromSettings(e.def);
      if (!s) continue;
      const expression = s.fromSettings(now);
      if (expression === e.expression) continue;
      try {
        const task = schedule(e.def, expression);
        await e.task.destroy();
        ctx.log.info({ job: e.def.name, from: e.expression, to: expression }, 'job rescheduled');
        Object.assign(e, { task, expression });
      } catch (err) {
        ctx.log.error({ err, job: e.def.name, expression }, 'could not reschedule job; its previous schedule stays');
      }
    }
  };
  // One refresh at a time, in order; a failed read is logged and retried by the next message or re-check.
  let chain: Promise<void> = Promise.resolve();
  const refresh = () => {
    chain = chain.then(reschedule).catch((err: unknown) => ctx.log.warn({ err }, 'could not re-read the platform settings'));
    return chain;
  };
  const stopListening = dynamic.length ? ctx.settings.onChange(() => void refresh()) : () => {};
  const recheck = dynamic.length ? setInterval(() => void refresh(), SETTINGS_RECHECK_MS) : null;
  recheck?.unref();

  return {
    get tasks() {
      return entries.map((e) => ({ job: e.def.name, expression: e.expression }));
    },
    refresh,
    async stop() {
      stopListening();
      if (recheck) clearInterval(recheck);
      await chain;
      for (const e of entries) await e.task.destroy();
      await Promise.allSettled([...running]);
    },
  };
}
