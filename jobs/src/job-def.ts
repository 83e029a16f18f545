import type { AppContext } from '@offerly/backend/context';
import type { Config } from '@offerly/backend/config';
import type { PlatformSettingsValues } from '@offerly/backend/domain/platform-settings';
import type { JobControl, JobResult } from '@offerly/backend/job-runs/run-job';

export interface JobArgs {
  /** Window given on the command line (backfills), UTC ms. */
  from?: number;
  to?: number;
  nowMs: number;
  /** Progress lines (printed by the CLI, logged by the scheduler). */
  progress(message: string): void;
}

/** A schedule admins change at run time: read from the platform settings (whose first value is a CRON_* variable). */
export interface SettingsSchedule {
  fromSettings(values: PlatformSettingsValues): string;
}

/** One job: what it runs, when (a CRON_* setting or a platform setting) and under which lock. */
export interface JobDef {
  name: string;
  summary: string;
  /** The config key holding its schedule, or how the platform settings give it; null for jobs only run by hand (backfills). */
  schedule: Extract<keyof Config, `CRON_${string}`> | SettingsSchedule | null;
  /** Jobs sharing a lock never run at the same time (the backfill and the hourly rollup). */
  lock?: string;
  /** Whether the job needs --from and --to. */
  needsWindow?: boolean;
  run(ctx: AppContext, ctl: JobControl, args: JobArgs): Promise<JobResult>;
}
