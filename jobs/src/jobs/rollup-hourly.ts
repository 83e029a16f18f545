import { hoursToRoll, rollHours } from '@offerly/backend/rollups/hourly';
import type { JobDef } from '../job-def';

/** Re-rolls the current hour, the last ROLLUP_LOOKBACK_HOURS and every dirty hour. */
export const rollupHourly: JobDef = {
  name: 'rollup-hourly',
  summary: 'roll the current and recent hours and every dirty hour into stats_hourly',
  schedule: 'CRON_ROLLUP_HOURLY',
  async run(ctx, ctl, args) {
    const hours = await hoursToRoll(ctx, args.nowMs, ctx.config.ROLLUP_LOOKBACK_HOURS);
    if (hours.length) await ctl.setWindow(new Date(hours[0] as number), new Date((hours.at(-1) as number) + 3_600_000));
    return { counts: await rollHours(ctx, hours, { signal: ctl.signal }) };
  },
};
