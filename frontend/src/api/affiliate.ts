import { api } from './client';
import type { CursorPaged, CursorQuery, Delivery, OutboundSettings } from './types';

export const affiliateApi = {
  postback: (signal?: AbortSignal) => api.get<OutboundSettings>('/api/affiliate/postback', undefined, signal),
  savePostback: (body: { url: string | null; enabled: boolean }) => api.put<OutboundSettings>('/api/affiliate/postback', body),
  testPostback: () => api.post<{ delivery: Delivery }>('/api/affiliate/postback/test'),
  deliveries: (q: CursorQuery, signal?: AbortSignal) => api.get<CursorPaged<Delivery>>('/api/affiliate/deliveries', { ...q }, signal),
};
