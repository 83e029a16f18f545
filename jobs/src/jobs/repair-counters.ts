import { daysBetween, dayKeyToMs, DAY_MS } from '@offerly/backend/domain/time-buckets';
import { repairCampaignCounters } from '@offerly/backend/reconcile/campaign-counters';
import type { JobDef } from '../job-def';

/** Days of [from, to) that have ended: the current day's counters are still moving. */
const endedDays = (from: number, to: number, nowMs: number) => daysBetween(from, to).filter((d) => dayKeyToMs(d) >= from && dayKeyToMs(d) + DAY_MS <= Math.min(to, nowMs));

export const repairCounters: JobDef = {
  name: 'repair-counters',
  summary: 'correct the cap and budget counters of ended days that reconciliation found off',
  schedule: null,
  needsWindow: true,
  async run(ctx, _ctl, args) {
    const days = endedDays(args.from!, args.to!, args.nowMs);
    const { repaired, differences } = await repairCampaignCounters(ctx, days);
    for (const d of differences) args.progress(`${d.key} ${d.field}: ${d.actual} → ${d.expected}`);
    return { counts: { days: days.length, repaired } };
  },
};
