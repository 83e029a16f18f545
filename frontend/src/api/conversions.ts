import { api } from './client';
import type { Conversion, ConversionStatus, CursorPaged, CursorQuery, PostbackRecord, PostbackState } from './types';

export interface ConversionQuery extends CursorQuery {
  campaignId?: string;
  affiliateId?: string;
  status?: ConversionStatus | '';
  from?: string;
  to?: string;
}

export const conversionsApi = {
  list: (q: ConversionQuery, signal?: AbortSignal) => api.get<CursorPaged<Conversion>>('/api/conversions', { ...q }, signal),
  approve: (id: string, note: string) => api.post<{ conversion: Conversion }>(`/api/conversions/${id}/approve`, note ? { note } : {}),
  reject: (id: string, note: string) => api.post<{ conversion: Conversion }>(`/api/conversions/${id}/reject`, note ? { note } : {}),
};

export const postbacksApi = {
  list: (q: CursorQuery & { campaignId?: string; state?: PostbackState | '' }, signal?: AbortSignal) =>
    api.get<CursorPaged<PostbackRecord>>('/api/postbacks', { ...q }, signal),
  get: (id: string, signal?: AbortSignal) => api.get<{ postback: PostbackRecord }>(`/api/track/postback/${id}`, undefined, signal),
  sendTest: (campaignId: string) => api.post<{ postbackId: string; clickId: string }>(`/api/campaigns/${campaignId}/test-postback`),
};
