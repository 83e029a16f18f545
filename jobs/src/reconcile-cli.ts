import { parseArgs } from 'node:util';
import type { AppContext } from '@offerly/backend/context';
import { formatDifferences } from '@offerly/backend/domain/reconcile-diff';
import { reconcile } from '@offerly/backend/reconcile/reconcile';
import { parseInstant } from './cli';

/**
 * `npm run reconcile -- --from … --to … [--list-counters] [--json]`: prints
 * differences; exit code 1 if there are any. The lists' counters are compared
 * when the range reaches the current day, or always with `--list-counters`.
 */
export async function reconcileCli(ctx: AppContext, argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false }, 'list-counters': { type: 'boolean' } } });
  const from = parseInstant('from', values.from);
  const to = parseInstant('to', values.to);
  if (from === undefined || to === undefined) throw new Error('usage: npm run reconcile -- --from ISO --to ISO [--list-counters] [--json]');
  if (to <= from) throw new Error('--to must be after --from');
  const report = await reconcile(ctx, { fromMs: from, toMs: to, ...(values['list-counters'] ? { listCounters: true } : {}) });
  if (values.json) {
    out(JSON.stringify(report, null, 2));
  } else {
    out(`reconcile ${report.from} → ${report.to}: ${report.checked.hours} hours, ${report.checked.days} days, ${report.checked.payouts} payouts checked${report.listCounters ? ', list counters compared' : ''}`);
    const s = report.skipped;
    if (s.dirtyHours.length || s.settlingHours.length || s.staleDays.length || s.droppedDays.length) {
      out(`skipped: ${s.dirtyHours.length} dirty hours, ${s.settlingHours.length} hours still settling, ${s.staleDays.length} days with a stale daily roll, ${s.droppedDays.length} days whose raw clicks were dropped`);
    }
    out(formatDifferences(report.differences));
    out(report.ok ? 'OK: no differences' : `${report.differences.length} difference(s)`);
  }
  return report.ok ? 0 : 1;
}
