import { api, csvHref } from './client';
import type { CursorPaged, CursorQuery, Payout, PayoutBulkApproveResult, PayoutLine, PayoutStatus } from './types';

export interface PayoutQuery extends CursorQuery {
  status?: PayoutStatus | '';
  affiliateId?: string;
  currency?: string;
  /** createdAt bounds: a day (its UTC start) or an instant; `to` excluded. */
  from?: string;
  to?: string;
}

/** The job-run record of a payout run (see the job runs page). */
export interface PayoutRun {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  counts: Partial<
    Record<
      | 'payouts'
      | 'conversions'
      | 'clickEarnings'
      | 'carriedOver'
      | 'carriedOverClickEarnings'
      | 'carriedOverGroups'
      | 'resumed'
      | 'released'
      | 'settledDays'
      | 'settledClickEarnings'
      | 'unsettledDays',
      number
    >
  >;
  error: string | null;
}

export const payoutsApi = {
  list: (q: PayoutQuery, signal?: AbortSignal) => api.get<CursorPaged<Payout>>('/api/payouts', { ...q }, signal),
  csv: (q: PayoutQuery) => csvHref('/api/payouts', { status: q.status, affiliateId: q.affiliateId, currency: q.currency, from: q.from, to: q.to, sort: q.sort, order: q.order }),
  get: (id: string, q: CursorQuery, signal?: AbortSignal) =>
    api.get<{ payout: Payout; lines: CursorPaged<PayoutLine> }>(`/api/payouts/${id}`, { ...q }, signal),
  approve: (id: string, note: string) => api.post<{ payout: Payout }>(`/api/payouts/approve/${id}`, note ? { note } : {}),
  reject: (id: string, note: string) => api.post<{ payout: Payout }>(`/api/payouts/${id}/reject`, note ? { note } : {}),
  markPaid: (id: string, note: string, reference: string) =>
    api.post<{ payout: Payout }>(`/api/payouts/${id}/mark-paid`, { ...(note ? { note } : {}), ...(reference ? { reference } : {}) }),
  bulkApprove: (ids: string[], note = '') => api.post<PayoutBulkApproveResult>('/api/payouts/bulk-approve', { ids, ...(note ? { note } : {}) }),
  run: () => api.post<{ run: PayoutRun }>('/api/payouts/run'),
};
