import { repairDayCheckedCounters } from '@offerly/backend/reconcile/list-counter-days';
import type { JobDef } from '../job-def';

/**
 * The lists whose counter counts their rows (postbacks, deliveries, the audit
 * log), compared day by day through their buckets and rows read by `_id`
 * (only the days since the last check are counted again), and corrected with
 * an audit entry per counter.
 */
export const checkListCountersJob: JobDef = {
  name: 'check-list-counters',
  summary: 'compare the postbacks, deliveries and audit log counters with their rows (by day, through the list buckets) and correct what differs',
  schedule: 'CRON_CHECK_LIST_COUNTERS',
  async run(ctx, _ctl, args) {
    const { repaired, differences } = await repairDayCheckedCounters(ctx, { nowMs: args.nowMs });
    for (const d of differences) {
      args.progress(`${d.key} ${d.field}: ${d.actual} → ${d.expected}`);
      ctx.log.warn({ key: d.key, field: d.field, from: d.actual, to: d.expected }, 'list counter drift corrected');
    }
    return { counts: { repaired } };
  },
};
