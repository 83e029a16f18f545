import { daysBetween, hoursBetween } from '@offerly/backend/domain/time-buckets';
import { rollHours } from '@offerly/backend/rollups/hourly';
import type { JobDef } from '../job-def';

/** `npm run jobs -- rollup --from … --to …`: re-rolls any range, day by day (rows, report documents). */
export const rollupBackfill: JobDef = {
  name: 'rollup',
  summary: 're-roll every hour of --from … --to and its report documents (backfill)',
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
    return { counts: { ...hourly, days: daysBetween(from, to).length } };
  },
};
