import { api, csvHref } from './client';
import type { Campaign, CampaignInput, CampaignStatus, ListQuery, OfferView, Paged, PayoutModel, TrackingLink } from './types';

export interface CampaignListQuery extends ListQuery {
  status?: CampaignStatus | '';
  payoutModel?: PayoutModel | '';
  /** Admins: one advertiser's campaigns. */
  advertiserId?: string;
  q?: string;
}

export const campaignsApi = {
  list: (q: CampaignListQuery, signal?: AbortSignal) => api.get<Paged<Campaign>>('/api/campaigns', { ...q }, signal),
  /** Every campaign the filters match, as CSV (paging left out). */
  csv: (q: CampaignListQuery) => csvHref('/api/campaigns', { status: q.status, payoutModel: q.payoutModel, advertiserId: q.advertiserId, q: q.q, sort: q.sort, order: q.order }),
  offers: (q: CampaignListQuery, signal?: AbortSignal) => api.get<Paged<OfferView>>('/api/campaigns', { ...q }, signal),
  get: (id: string, signal?: AbortSignal) => api.get<{ campaign: Campaign }>(`/api/campaigns/${id}`, undefined, signal),
  offer: (id: string, signal?: AbortSignal) => api.get<{ campaign: OfferView }>(`/api/campaigns/${id}`, undefined, signal),
  /** `advertiserId`: admins create campaigns for an approved advertiser. */
  create: (input: CampaignInput & { advertiserId?: string }) => api.post<{ campaign: Campaign }>('/api/campaigns', input),
  /** `allowNegativeMargin` only for admins (the API answers 403 to others). */
  update: (id: string, patch: Partial<CampaignInput> & { allowNegativeMargin?: boolean; postbackAllowedIps?: string[] }) => api.patch<{ campaign: Campaign }>(`/api/campaigns/${id}`, patch),
  changeStatus: (id: string, verb: 'pause' | 'resume' | 'archive') => api.post<{ campaign: Campaign }>(`/api/campaigns/${id}/${verb}`),
  rotateSecret: (id: string) => api.post<{ campaign: Campaign }>(`/api/campaigns/${id}/rotate-secret`),
  setOverride: (id: string, affiliateId: string, body: { payoutCents: number | null; payoutBps: number | null }) =>
    api.put<{ campaign: Campaign }>(`/api/campaigns/${id}/overrides/${affiliateId}`, body),
  removeOverride: (id: string, affiliateId: string) => api.del<{ campaign: Campaign }>(`/api/campaigns/${id}/overrides/${affiliateId}`),
  link: (id: string, signal?: AbortSignal) => api.get<{ link: TrackingLink }>(`/api/campaigns/${id}/link`, undefined, signal),
  links: (q: ListQuery, signal?: AbortSignal) => api.get<Paged<TrackingLink>>('/api/links', { ...q }, signal),
};
