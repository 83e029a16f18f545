import { api } from './client';
import type { Conversion, ConversionDetail, ConversionStatus, CursorPaged, CursorQuery, PostbackRecord, PostbackState } from './types';

export interface ConversionQuery extends CursorQuery {
  campaignId?: string;
  affiliateId?: string;
  status?: ConversionStatus | '';
  from?: string;
  to?: string;
}

const reviewBody = (note: string, shareNote: boolean) => ({ ...(note ? { note } : {}), ...(shareNote ? { shareNote } : {}) });

export const conversionsApi = {
  list: (q: ConversionQuery, signal?: AbortSignal) => api.get<CursorPaged<Conversion>>('/api/conversions', { ...q }, signal),
  detail: (id: string, signal?: AbortSignal) => api.get<ConversionDetail>(`/api/conversions/${id}`, undefined, signal),
  approve: (id: string, note: string, shareNote = false) => api.post<{ conversion: Conversion }>(`/api/conversions/${id}/approve`, reviewBody(note, shareNote)),
  reject: (id: string, note: string, shareNote = false) => api.post<{ conversion: Conversion }>(`/api/conversions/${id}/reject`, reviewBody(note, shareNote)),
};

export const postbacksApi = {
  list: (q: CursorQuery & { campaignId?: string; state?: PostbackState | '' }, signal?: AbortSignal) =>
    api.get<CursorPaged<PostbackRecord>>('/api/postbacks', { ...q }, signal),
  get: (id: string, signal?: AbortSignal) => api.get<{ postback: PostbackRecord }>(`/api/track/postback/${id}`, undefined, signal),
  sendTest: (campaignId: string) => api.post<{ postbackId: string; clickId: string }>(`/api/campaigns/${campaignId}/test-postback`),
};
