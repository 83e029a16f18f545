import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '@offerly/backend/context';
import { scheduleCron } from '@offerly/backend/domain/platform-settings';
import { updatePlatformSettings } from '@offerly/backend/settings/update-settings';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';
import type { JobDef } from '../src/job-def';
import { startScheduler, type Scheduler } from '../src/scheduler';
import { waitFor } from './helpers';

/**
 * The payout run's schedule is a platform setting: when an admin changes it
 * (in another process), the scheduler reschedules the job without a restart.
 */

let ctx: AppContext;
let api: AppContext;
let scheduler: Scheduler | null = null;
const NEVER = '0 0 1 1 *';

beforeAll(async () => {
  ctx = await createTestContext({ CRON_PAYOUTS: NEVER }, 'jobs');
  // The process an admin's change comes through: same database and Redis prefix.
  api = await createTestContext({ CRON_PAYOUTS: NEVER, MONGO_DB: ctx.config.MONGO_DB, REDIS_PREFIX: ctx.config.REDIS_PREFIX }, 'api');
});
afterAll(async () => {
  await scheduler?.stop();
  await api?.close();
  await destroyTestContext(ctx);
});

const runs: string[] = [];
const probe: JobDef = {
  name: 'settings-probe',
  summary: 'runs on the payout schedule',
  schedule: { fromSettings: (s) => scheduleCron(s.payoutSchedule) },
  async run(_ctx, ctl) {
    runs.push(ctl.runId);
    return { counts: {} };
  },
};
const admin = { audit: { id: '0123456789abcdef01234567', role: 'admin' as const, via: 'cookie' as const }, ip: null };

describe('scheduler and platform settings', () => {
  it('starts on the environment default and follows a change made in another process', async () => {
    scheduler = await startScheduler(ctx, [probe]);
    expect(scheduler.tasks).toEqual([{ job: 'settings-probe', expression: NEVER }]);

    await updatePlatformSettings(api, admin, { payoutSchedule: { every: 'cron', expression: '* * * * * *' } });
    await waitFor('the job rescheduled', () => scheduler!.tasks[0]!.expression === '* * * * * *', 15_000);
    await waitFor('a scheduled run', () => runs.length > 0, 15_000);
    const run = await ctx.models.JobRun.findOne({ job: 'settings-probe' }).lean();
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded' });

    await updatePlatformSettings(api, admin, { payoutSchedule: { every: 'month', day: 1, at: '03:00' } });
    await waitFor('the job rescheduled again', () => scheduler!.tasks[0]!.expression === '0 3 1 * *', 15_000);
    // Back to the default: the environment's expression.
    await updatePlatformSettings(api, admin, { payoutSchedule: null });
    await waitFor('the default schedule back', () => scheduler!.tasks[0]!.expression === NEVER, 15_000);
  });
});
