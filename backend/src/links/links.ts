import type { TrackingLink } from '@offerly/contract';
import { approvedAdvertisers } from '../campaigns/campaigns';
import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import type { LinkDoc } from '../db/models/link';
import { isDuplicateKey } from '../db/duplicate-key';
import { randomBase62 } from '../db/ids';
import { ApiError } from '../domain/errors';
import { trackingLinkUrls } from '../domain/tracking-urls';
import { campaignLinkIds, dropLinkEntry, linkKey, linkKeys, putLinkEntry, reservedLinkId } from './link-directory';

export const LINK_ID_LENGTH = 10;
export const LINK_ID_RE = /^[0-9A-Za-z]{6,24}$/;

/** The affiliate's link for a campaign, or null: its key, then the link, each read by `_id`. */
export async function findLink(ctx: AppContext, campaignId: string, affiliateId: string): Promise<LinkDoc | null> {
  const linkId = await reservedLinkId(ctx.db, campaignId, affiliateId);
  if (!linkId) return null;
  const link = (await ctx.models.Link.findById(linkId).lean()) as LinkDoc | null;
  return link && link.campaignId === campaignId && link.affiliateId === affiliateId ? link : null;
}

const OLDEST_LINK_BATCH = 8;

/**
 * The campaign's oldest stored link, or null: its directory by `_id`, then
 * links by `_id` in age order, a few at a time, until one is stored and is
 * the campaign's (an entry is written before its link and never taken back).
 */
export async function oldestLink(ctx: AppContext, campaignId: string): Promise<LinkDoc | null> {
  const ids = await campaignLinkIds(ctx.db, campaignId);
  for (let i = 0; i < ids.length; i += OLDEST_LINK_BATCH) {
    const links = (await Promise.all(ids.slice(i, i + OLDEST_LINK_BATCH).map((id) => ctx.models.Link.findById(id).lean()))) as Array<LinkDoc | null>;
    const found = links.find((l) => l !== null && l.campaignId === campaignId);
    if (found) return found;
  }
  return null;
}

/**
 * The affiliate's one link for a campaign, created on first request. The
 * link's id is reserved first under a key of its own (`link_keys`, `_id`
 * `<campaignId>|<affiliateId>`): the first request to insert the key decides
 * it, so concurrent first requests agree on one link, found later by `_id`
 * (the unique (campaign, affiliate) index on links stays as a guard). The link
 * is listed in the affiliate's directory before it is stored.
 */
export async function getOrCreateLink(ctx: AppContext, campaign: CampaignDoc, affiliateId: string): Promise<LinkDoc> {
  const keys = linkKeys(ctx.db);
  const _id = linkKey(campaign._id, affiliateId);
  for (let attempt = 0; attempt < 8; attempt++) {
    let linkId = await reservedLinkId(ctx.db, campaign._id, affiliateId);
    if (linkId) {
      const stored = (await ctx.models.Link.findById(linkId).lean()) as LinkDoc | null;
      if (stored && stored.campaignId === campaign._id && stored.affiliateId === affiliateId) return stored;
      if (stored) {
        // The reserved id was drawn by another link first: reserve a new one.
        await keys.updateOne({ _id, linkId }, { $set: { linkId: randomBase62(LINK_ID_LENGTH) } });
        continue;
      }
      // Reserved by a request that has not stored the link (yet, or ever): store it under that id.
    }
    if (campaign.status !== 'active') throw new ApiError('conflict', `Campaign is ${campaign.status}; links are only issued for active campaigns`);
    if (!linkId) {
      linkId = randomBase62(LINK_ID_LENGTH);
      try {
        await keys.insertOne({ _id, linkId });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        continue; // another request reserved it first: take its id
      }
    }
    const createdAt = new Date();
    await putLinkEntry(ctx.db, affiliateId, linkId, campaign._id, createdAt);
    try {
      const link = await ctx.models.Link.create({ _id: linkId, campaignId: campaign._id, affiliateId, advertiserId: campaign.advertiserId, createdAt, updatedAt: createdAt });
      return link.toObject() as LinkDoc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const byId = (await ctx.models.Link.findById(linkId).lean()) as LinkDoc | null;
      if (byId && byId.campaignId === campaign._id && byId.affiliateId === affiliateId) {
        // A concurrent request stored it first: list it as stored.
        await putLinkEntry(ctx.db, affiliateId, linkId, campaign._id, new Date(byId.createdAt));
        return byId;
      }
      if (byId) {
        // The id was drawn by another link first: give its entry back (if it is this affiliate's) and reserve a new id.
        if (byId.affiliateId === affiliateId) await putLinkEntry(ctx.db, affiliateId, linkId, byId.campaignId, new Date(byId.createdAt));
        else await dropLinkEntry(ctx.db, affiliateId, linkId);
        await keys.updateOne({ _id, linkId }, { $set: { linkId: randomBase62(LINK_ID_LENGTH) } });
        continue;
      }
      await dropLinkEntry(ctx.db, affiliateId, linkId);
      // The (campaign, affiliate) index refused it: a link stored without a key (by a process older than link_keys).
      const legacy = (await ctx.models.Link.findOne({ campaignId: campaign._id, affiliateId }).lean()) as LinkDoc | null;
      if (legacy) {
        await putLinkEntry(ctx.db, affiliateId, legacy._id, campaign._id, new Date(legacy.createdAt));
        await keys.updateOne({ _id }, { $set: { linkId: legacy._id } });
        return legacy;
      }
    }
  }
  throw new Error('could not allocate a link id');
}

/**
 * The affiliate's link for a campaign, issued on first request while the offer
 * is open (active, its advertiser approved). A link already taken is still
 * answered: it redirects to the fallback while the offer is closed.
 */
export async function affiliateLink(ctx: AppContext, campaignId: string, affiliateId: string): Promise<LinkDoc> {
  const c = (await ctx.models.Campaign.findById(campaignId).lean()) as CampaignDoc | null;
  const existing = c ? await findLink(ctx, c._id, affiliateId) : null;
  const open = c !== null && c.status === 'active' && (await approvedAdvertisers(ctx, [c.advertiserId])).has(c.advertiserId);
  if (!c || (!open && !existing)) throw new ApiError('not_found', 'Campaign not found');
  return getOrCreateLink(ctx, c, affiliateId);
}

export function linkView(ctx: AppContext, link: LinkDoc): TrackingLink {
  return { id: link._id, campaignId: link.campaignId, ...trackingLinkUrls(ctx.config.PUBLIC_TRACKING_URL, link._id), createdAt: new Date(link.createdAt).toISOString() };
}
