import { api, csvHref } from './client';
import type { AffiliateAccount, CursorPaged, CursorQuery, JobRun, JobRunStatus, QueueSummary, Role, UserStatus } from './types';

export type ReviewAction = 'approve' | 'reject' | 'suspend';
/** Reviews of any advertiser or affiliate; `reinstate` only lifts a suspension. */
export type AccountReviewAction = ReviewAction | 'reinstate';

export const adminApi = {
  affiliates: (q: CursorQuery & { status?: UserStatus | '' }, signal?: AbortSignal) =>
    api.get<CursorPaged<AffiliateAccount>>('/api/admin/affiliates', { ...q }, signal),
  review: (id: string, action: ReviewAction, note: string) => api.post<{ affiliate: AffiliateAccount }>(`/api/admin/affiliates/${id}/${action}`, { note }),
  users: (q: CursorQuery & { role?: Role | ''; status?: UserStatus | ''; q?: string }, signal?: AbortSignal) =>
    api.get<CursorPaged<AffiliateAccount>>('/api/admin/users', { ...q }, signal),
  usersCsv: (q: { role?: Role | ''; status?: UserStatus | ''; q?: string }) => csvHref('/api/admin/users', { role: q.role, status: q.status, q: q.q }),
  /** A one-time code for the account's owner, in this answer only. */
  resetPassword: (id: string) => api.post<{ code: string; expiresAt: string; user: AffiliateAccount }>(`/api/admin/users/${id}/password-reset`),
  reviewUser: (id: string, action: AccountReviewAction, note: string) => api.post<{ user: AffiliateAccount }>(`/api/admin/users/${id}/review`, { action, note }),
  jobRuns: (q: CursorQuery & { job?: string; status?: JobRunStatus | '' }, signal?: AbortSignal) => api.get<CursorPaged<JobRun>>('/api/admin/job-runs', { ...q }, signal),
  queues: (signal?: AbortSignal) => api.get<{ queues: QueueSummary[] }>('/api/admin/queues/summary', undefined, signal),
};

/** Bull Board, served by the API behind admin auth. */
export const QUEUE_BOARD_URL = '/api/admin/queues';
