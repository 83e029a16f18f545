import { api, csvHref } from './client';
import type { Conversion, ConversionBulkReviewResult, ConversionDetail, ConversionStatus, CursorPaged, CursorQuery, PostbackRecord, PostbackState } from './types';

export interface ConversionQuery extends CursorQuery {
  campaignId?: string;
  affiliateId?: string;
  advertiserId?: string;
  /** A transaction id or click id, matched exactly. */
  search?: string;
  status?: ConversionStatus | '';
  from?: string;
  to?: string;
}

const reviewBody = (note: string, shareNote: boolean) => ({ ...(note ? { note } : {}), ...(shareNote ? { shareNote } : {}) });

export const conversionsApi = {
  list: (q: ConversionQuery, signal?: AbortSignal) => api.get<CursorPaged<Conversion>>('/api/conversions', { ...q }, signal),
  detail: (id: string, signal?: AbortSignal) => api.get<ConversionDetail>(`/api/conversions/${id}`, undefined, signal),
  /** The list's CSV with the same filters and order. */
  csv: (q: ConversionQuery) => csvHref('/api/conversions', { campaignId: q.campaignId, affiliateId: q.affiliateId, advertiserId: q.advertiserId, search: q.search, status: q.status, from: q.from, to: q.to, sort: q.sort, order: q.order }),
  approve: (id: string, note: string, shareNote = false) => api.post<{ conversion: Conversion }>(`/api/conversions/${id}/approve`, reviewBody(note, shareNote)),
  bulkReview: (ids: string[], action: 'approve' | 'reject', note: string) => api.post<ConversionBulkReviewResult>('/api/conversions/bulk-review', { ids, action, note }),
  reject: (id: string, note: string, shareNote = false) => api.post<{ conversion: Conversion }>(`/api/conversions/${id}/reject`, reviewBody(note, shareNote)),
};

export interface PostbackQuery extends CursorQuery {
  campaignId?: string;
  advertiserId?: string;
  state?: PostbackState | '';
  from?: string;
  to?: string;
  /** A transaction id or click id the postback sent, matched exactly. */
  search?: string;
}

export const postbacksApi = {
  list: (q: PostbackQuery, signal?: AbortSignal) => api.get<CursorPaged<PostbackRecord>>('/api/postbacks', { ...q }, signal),
  /** The log's CSV with the same filters and order. */
  csv: (q: PostbackQuery) => csvHref('/api/postbacks', { campaignId: q.campaignId, advertiserId: q.advertiserId, state: q.state, from: q.from, to: q.to, search: q.search, sort: q.sort, order: q.order }),
  get: (id: string, signal?: AbortSignal) => api.get<{ postback: PostbackRecord }>(`/api/track/postback/${id}`, undefined, signal),
  sendTest: (campaignId: string) => api.post<{ postbackId: string; clickId: string }>(`/api/campaigns/${campaignId}/test-postback`),
};
