import type { CampaignStatus } from '@offerly/contract';
import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import { ApiError } from '../domain/errors';
import type { Principal } from '../domain/permissions';
import { ALL_CAMPAIGNS, advertiserCampaigns, directoryMatcher, pageOfDirectory, readCampaignDirectory, type DirectorySortField } from './campaign-directory';
import { approvedAdvertisers } from './campaigns';

export interface CampaignListRequest {
  status?: CampaignStatus | undefined;
  /** Admins only; ignored for other roles. */
  advertiserId?: string | undefined;
  payoutModel?: string | undefined;
  q?: string | undefined;
  sort: DirectorySortField;
  dir: 1 | -1;
  page: number;
  limit: number;
}

/**
 * A page of the campaigns a caller may list: an advertiser's own, all for
 * admins (optionally one advertiser's), active ones for affiliates (asking an
 * affiliate's list for another status is refused).
 */
export async function listCampaigns(ctx: AppContext, p: Principal, q: CampaignListRequest): Promise<{ items: CampaignDoc[]; total: number }> {
  const advertiserId = p.role === 'advertiser' ? p.id : p.role === 'admin' ? q.advertiserId : undefined;
  let status = q.status;
  if (p.role === 'affiliate') {
    if (q.status && q.status !== 'active') throw new ApiError('forbidden', 'Affiliates only see active campaigns');
    status = 'active';
  }
  // One directory document by _id (all campaigns, or one advertiser's), filtered, searched, sorted and
  // paged in memory; then the page's campaigns by _id, re-checked against the filter (an entry is written
  // before its campaign, so it may name one that is not stored, or not changed, yet).
  const filter = { advertiserId, status, payoutModel: q.payoutModel, q: q.q };
  const entries = await readCampaignDirectory(ctx.db, advertiserId ? advertiserCampaigns(advertiserId) : ALL_CAMPAIGNS);
  const { ids, total } = pageOfDirectory(entries, { ...filter, sort: q.sort, dir: q.dir, page: q.page, limit: q.limit });
  const matches = directoryMatcher(filter);
  const fetched = (await Promise.all(ids.map((id) => ctx.models.Campaign.findById(id).lean()))) as Array<CampaignDoc | null>;
  let items = fetched.filter((c): c is CampaignDoc => c !== null && matches(c));
  if (p.role === 'affiliate') {
    // Offers of advertisers awaiting approval or suspended are left out of the page (read by _id per
    // advertiser shown); the total still counts them, as campaigns carry no copy of their advertiser's status.
    const live = await approvedAdvertisers(ctx, items.map((c) => c.advertiserId));
    items = items.filter((c) => live.has(c.advertiserId));
  }
  return { items, total };
}
