import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import type { PostbackJobData } from './postback-job';
import { countCreatedConversion } from './conversion-list';
import { listPostback } from './postback-list';
import { resolveFailedPostback } from './process-postback';

const PAGE = 50;

const isPostbackJob = (job: Job<PostbackJobData> | undefined): job is Job<PostbackJobData> =>
  job !== undefined && typeof job.data?.id === 'string' && job.data.id === job.id && typeof job.data.receivedAt === 'string' && typeof job.data.params === 'object';

/**
 * Postback jobs that failed for good stay in BullMQ's failed set, for the
 * queue dashboard. This resolves the postback of each one once
 * (resolveFailedPostback) and flags the job as done, so no accepted postback
 * stays `queued`. The failed set is newest first and new failures join at its
 * head: pages are read until one holds nothing new. Whether the job ran out
 * of attempts or stalled too often (BullMQ fails that one without a worker
 * callback), and whether a worker died meanwhile, it is found here.
 */
export async function resolveFailedPostbackJobs(ctx: AppContext): Promise<number> {
  let resolved = 0;
  for (let start = 0; ; start += PAGE) {
    const jobs = (await ctx.queues.conversions.getFailed(start, start + PAGE - 1)) as Array<Job<PostbackJobData> | undefined>;
    let fresh = 0;
    for (const job of jobs) {
      if (!isPostbackJob(job) || job.data.failureResolved) continue;
      fresh++;
      await listPostback(ctx, job.data); // its attempts may all have failed before listing it
      const outcome = await resolveFailedPostback(ctx, job.data, job.failedReason || 'the job failed');
      if (outcome.kind === 'resolved') await countCreatedConversion(ctx, job.data.id, outcome);
      try {
        await job.updateData({ ...job.data, failureResolved: true });
      } catch (err) {
        // Trimmed from the failed set meanwhile: nothing left to flag.
        ctx.log.debug({ err, postbackId: job.id }, 'could not flag a failed postback job');
      }
      resolved++;
    }
    if (jobs.length < PAGE || fresh === 0) return resolved;
  }
}
