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
/** "1 day", "2 days". */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

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
    out(`reconcile ${report.from} → ${report.to}: ${count(report.checked.hours, 'hour')}, ${count(report.checked.days, 'day')}, ${count(report.checked.payouts, 'payout')} checked${report.listCounters ? ', list counters compared' : ''}`);
    const s = report.skipped;
    if (s.dirtyHours.length || s.settlingHours.length || s.staleDays.length || s.droppedDays.length) {
      out(`skipped: ${count(s.dirtyHours.length, 'dirty hour')}, ${count(s.settlingHours.length, 'hour')} still settling, ${count(s.staleDays.length, 'day')} with a stale daily roll, ${count(s.droppedDays.length, 'day')} whose raw clicks were dropped`);
    }
    out(formatDifferences(report.differences));
    out(report.ok ? 'OK: no differences' : count(report.differences.length, 'difference'));
  }
  return report.ok ? 0 : 1;
}
