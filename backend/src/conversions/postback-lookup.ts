import type { AppContext } from '../context';
import type { PostbackDoc } from '../db/models/postback';
import { ApiError } from '../domain/errors';
import { campaignForToken } from './campaign-by-token';
import { postbackDocFor, type PostbackJobData } from './postback-job';

const isJobData = (d: unknown, id: string): d is PostbackJobData =>
  typeof d === 'object' && d !== null && (d as PostbackJobData).id === id && typeof (d as PostbackJobData).receivedAt === 'string' && typeof (d as PostbackJobData).params === 'object';

/**
 * A postback by id as GET /api/track/postback/:id shows it: its document, or,
 * while it has none yet (the worker writes it with its outcome), its job,
 * as `queued`. A queued postback not yet tied to a campaign (still in its job,
 * or stored while Redis was down) belongs to the campaign its token opens,
 * which decides who may see it.
 */
export async function findPostback(ctx: AppContext, id: string): Promise<PostbackDoc | null> {
  let pb = (await ctx.models.Postback.findById(id).lean()) as PostbackDoc | null;
  if (!pb) {
    let data: unknown;
    try {
      data = (await ctx.queues.conversions.getJob(id))?.data;
    } catch (err) {
      ctx.log.warn({ err, postbackId: id }, 'could not look up a postback job');
      throw new ApiError('service_unavailable', 'Postbacks cannot be looked up right now; retry later');
    }
    if (isJobData(data, id)) pb = postbackDocFor(data);
    // No job: either there never was one, or it finished (and was removed) after the read above, its
    // document written before it finished. Reading again tells them apart, so an accepted id is always found.
    else pb = (await ctx.models.Postback.findById(id).lean()) as PostbackDoc | null;
    if (!pb) return null;
  }
  if (pb.state === 'queued' && pb.advertiserId === null && pb.params.token) {
    const campaign = await campaignForToken(ctx, pb.params.token, pb.receivedAt.getTime());
    if (campaign) pb = { ...pb, campaignId: campaign._id, advertiserId: campaign.advertiserId };
  }
  return pb;
}
