import { dayKey } from '@offerly/backend/domain/time-buckets';
import { rollDays } from '@offerly/backend/rollups/daily';
import { daysToRoll } from '@offerly/backend/rollups/hourly';
import type { JobDef } from '../job-def';

/** Rebuilds stats_daily for today and every day whose hourly rows changed since its last roll. */
export const rollupDaily: JobDef = {
  name: 'rollup-daily',
  summary: 'rebuild stats_daily for days whose hourly rows changed',
  schedule: 'CRON_ROLLUP_DAILY',
  async run(ctx, ctl, args) {
    const days = await daysToRoll(ctx, [dayKey(args.nowMs)]);
    return { counts: await rollDays(ctx, days, { signal: ctl.signal }), details: { days } };
  },
};
