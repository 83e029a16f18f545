import { sweepExpiredResetCodes } from '@offerly/backend/accounts/reset-code-hours';
import { applyRetention } from '@offerly/backend/rollups/retention';
import type { JobDef } from '../job-def';

export const retentionJob: JobDef = {
  name: 'retention',
  summary: 'drop raw click partitions older than RAW_RETENTION_DAYS that are fully rolled up and past every attribution window, and expired password-reset codes',
  schedule: 'CRON_RETENTION',
  async run(ctx, _ctl, args) {
    const r = await applyRetention(ctx, args.nowMs);
    for (const d of r.details.dropped) args.progress(`dropped clicks_${d.day} (${d.clicks} clicks)`);
    for (const s of r.details.skipped) args.progress(`kept clicks_${s.day}: ${s.reason}`);
    const kept = r.details.keptForAttribution;
    if (kept.days.length) args.progress(`kept ${kept.days.length} partition(s) from clicks_${kept.days[0]} on: a campaign's ${kept.windowDays}-day attribution window still covers them`);
    const codes = await sweepExpiredResetCodes(ctx.db, args.nowMs);
    if (codes.deleted) args.progress(`deleted ${codes.deleted} expired password-reset code(s)`);
    return { ...r, counts: { ...r.counts, resetCodesDeleted: codes.deleted } };
  },
};
