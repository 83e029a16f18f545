import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import type { LinkDoc } from '../db/models/link';
import { randomBase62 } from '../db/ids';
import { ApiError } from '../domain/errors';
import { trackingLinkUrls } from '../domain/tracking-urls';

export const LINK_ID_LENGTH = 10;
export const LINK_ID_RE = /^[0-9A-Za-z]{6,24}$/;

/**
 * The affiliate's one link for a campaign, created on first request. The
 * unique (campaign, affiliate) index makes concurrent first requests agree.
 */
export async function getOrCreateLink(ctx: AppContext, campaign: CampaignDoc, affiliateId: string): Promise<LinkDoc> {
  const existing = (await ctx.models.Link.findOne({ campaignId: campaign._id, affiliateId }).lean()) as LinkDoc | null;
  if (existing) return existing;
  if (campaign.status !== 'active') throw new ApiError('conflict', `Campaign is ${campaign.status}; links are only issued for active campaigns`);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const link = await ctx.models.Link.create({ _id: randomBase62(LINK_ID_LENGTH), campaignId: campaign._id, affiliateId, advertiserId: campaign.advertiserId });
      return link.toObject() as LinkDoc;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const raced = (await ctx.models.Link.findOne({ campaignId: campaign._id, affiliateId }).lean()) as LinkDoc | null;
      if (raced) return raced;
      // Otherwise the random id collided with another link: draw again.
    }
  }
  throw new Error('could not allocate a link id');
}

export function linkView(ctx: AppContext, link: LinkDoc) {
  return { id: link._id, campaignId: link.campaignId, ...trackingLinkUrls(ctx.config.PUBLIC_TRACKING_URL, link._id), createdAt: link.createdAt };
}
