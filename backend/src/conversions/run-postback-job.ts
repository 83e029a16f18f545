import type { AppContext } from '../context';
import { campaignForToken } from './campaign-by-token';
import { countCreatedConversion } from './conversion-list';
import type { PostbackJobData } from './postback-job';
import { listPostback } from './postback-list';
import { processPostback, type PostbackOutcome } from './process-postback';

/**
 * One run of a postback job. A `wait` outcome (its click is not stored yet)
 * is for the caller to put the job back; `RetryLater` from processing is
 * thrown through for the same reason.
 */
export async function runPostbackJob(ctx: AppContext, job: PostbackJobData, opts: { firstRun: boolean }): Promise<PostbackOutcome> {
  // One read of the token's campaign serves the listing and the processing.
  const campaign = job.params.token ? await campaignForToken(ctx, job.params.token, new Date(job.receivedAt).getTime()) : null;
  // Listed (idempotently) before processing may store it, so no stored postback is missing from the list.
  await listPostback(ctx, job, campaign ? { campaignId: campaign._id, advertiserId: campaign.advertiserId } : null);
  const outcome = await processPostback(ctx, job, { ...opts, campaign });
  if (outcome.kind !== 'wait') await countCreatedConversion(ctx, job.id, outcome);
  return outcome;
}
