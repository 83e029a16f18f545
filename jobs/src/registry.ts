import type { JobDef } from './job-def';
import { autoApproveJob } from './jobs/auto-approve';
import { checkListCountersJob } from './jobs/check-list-counters';
import { payoutsJob } from './jobs/payouts';
import { repairCounters } from './jobs/repair-counters';
import { repairListCountersJob } from './jobs/repair-list-counters';
import { retentionJob } from './jobs/retention';
import { rollupBackfill } from './jobs/rollup-backfill';
import { rollupHourly } from './jobs/rollup-hourly';

export const JOBS: JobDef[] = [rollupHourly, rollupBackfill, autoApproveJob, payoutsJob, retentionJob, repairCounters, repairListCountersJob, checkListCountersJob];

export const findJob = (name: string): JobDef | undefined => JOBS.find((j) => j.name === name);
