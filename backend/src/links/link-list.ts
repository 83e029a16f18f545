import type { ListedTrackingLink } from '@offerly/contract';
import type { AppContext } from '../context';
import type { LinkDoc } from '../db/models/link';
import { pageOfLinks, readLinkDirectory } from './link-directory';
import { linkView } from './links';

/**
 * A page of an affiliate's links by createdAt, with their campaigns' names: the
 * affiliate's link directory by _id, sorted and paged in memory; the page's
 * links and their campaigns by _id (one read per distinct campaign).
 */
export async function listLinks(ctx: AppContext, affiliateId: string, dir: 1 | -1, page: number, limit: number): Promise<{ items: ListedTrackingLink[]; total: number }> {
  const { ids, total } = pageOfLinks(await readLinkDirectory(ctx.db, affiliateId), dir, page, limit);
  const fetched = (await Promise.all(ids.map((id) => ctx.models.Link.findById(id).lean()))) as Array<LinkDoc | null>;
  const links = fetched.filter((l): l is LinkDoc => l !== null && l.affiliateId === affiliateId);
  const campaignIds = [...new Set(links.map((l) => l.campaignId))];
  const campaigns = await Promise.all(campaignIds.map((id) => ctx.models.Campaign.findById(id, { name: 1, status: 1 }).lean()));
  const byId = new Map(campaigns.flatMap((c) => (c ? [[c._id, c] as const] : [])));
  const items = links.map((l) => ({ ...linkView(ctx, l), campaignName: byId.get(l.campaignId)?.name ?? null, campaignStatus: byId.get(l.campaignId)?.status ?? null }));
  return { items, total };
}
