import { api } from './client';
import type { Delivery, ListQuery, OutboundSettings, Paged } from './types';

export const affiliateApi = {
  postback: (signal?: AbortSignal) => api.get<OutboundSettings>('/api/affiliate/postback', undefined, signal),
  savePostback: (body: { url: string | null; enabled: boolean }) => api.put<OutboundSettings>('/api/affiliate/postback', body),
  testPostback: () => api.post<{ delivery: Delivery }>('/api/affiliate/postback/test'),
  deliveries: (q: ListQuery, signal?: AbortSignal) => api.get<Paged<Delivery>>('/api/affiliate/deliveries', { ...q }, signal),
};
