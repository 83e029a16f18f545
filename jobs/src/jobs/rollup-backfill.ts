import { daysBetween, hoursBetween } from '@offerly/backend/domain/time-buckets';
import { rollDays } from '@offerly/backend/rollups/daily';
import { rollHours } from '@offerly/backend/rollups/hourly';
import type { JobDef } from '../job-def';

/** `npm run jobs -- rollup --from … --to …`: re-rolls any range, hourly then daily, day by day. */
export const rollupBackfill: JobDef = {
  name: 'rollup',
  summary: 're-roll every hour and day of --from … --to (backfill)',
  schedule: null,
  lock: 'rollup-hourly',
  needsWindow: true,
  async run(ctx, ctl, args) {
    const from = args.from as number;
    const to = args.to as number;
    const hours = hoursBetween(from, to);
    const started = Date.now();
    // Forced: every row is rewritten and rows the roll records do not know are removed (a repair).
    const hourly = await rollHours(ctx, hours, {
      force: true,
      signal: ctl.signal,
      onProgress: (p) => {
        const pct = Math.round((p.doneHours / p.totalHours) * 100);
        args.progress(`hourly ${p.day}: ${p.doneHours}/${p.totalHours} hours (${pct} %), ${p.rows} rows, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    });
    const days = daysBetween(from, to);
    const daily = await rollDays(ctx, days, { signal: ctl.signal });
    args.progress(`daily: ${daily.days} days, ${daily.rows} rows`);
    return { counts: { ...hourly, days: daily.days, dailyRows: daily.rows, dailyDeleted: daily.deleted } };
  },
};
