import { scheduleCron } from '@offerly/backend/domain/platform-settings';
import { runPayouts } from '@offerly/backend/payouts/run';
import type { JobDef } from '../job-def';

/** Same job name (and so the same lock) as POST /api/payouts/run; its schedule is the `payoutSchedule` platform setting (first CRON_PAYOUTS). */
export const payoutsJob: JobDef = {
  name: 'payouts',
  summary: 'build payouts from approved conversions and CPC click days past the hold period',
  schedule: { fromSettings: (s) => scheduleCron(s.payoutSchedule) },
  async run(ctx, ctl, args) {
    return { counts: await runPayouts(ctx, { runId: ctl.runId, nowMs: args.nowMs, by: 'system', signal: ctl.signal }) };
  },
};
