import { repairListCounters } from '@offerly/backend/reconcile/list-counters';
import type { JobDef } from '../job-def';

/** The lists count all time: no window, every scope is compared. */
export const repairListCountersJob: JobDef = {
  name: 'repair-list-counters',
  summary: 'correct the dashboard lists’ counters that reconciliation found off their rows',
  schedule: null,
  async run(ctx, _ctl, args) {
    const { repaired, differences } = await repairListCounters(ctx);
    for (const d of differences) args.progress(`${d.key} ${d.field}: ${d.actual} → ${d.expected}`);
    return { counts: { scopes: repaired } };
  },
};
