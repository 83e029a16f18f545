import { autoApprove } from '@offerly/backend/auto-approve/auto-approve';
import type { JobDef } from '../job-def';

export const autoApproveJob: JobDef = {
  name: 'auto-approve',
  summary: 'approve pending conversions older than their campaign’s auto-approve period',
  schedule: 'CRON_AUTO_APPROVE',
  async run(ctx, _ctl, args) {
    return { counts: await autoApprove(ctx, args.nowMs) };
  },
};
