import { api } from './client';
import type { AffiliateAccount, JobRun, Paged, QueueSummary, Role, User, UserStatus } from './types';

export type ReviewAction = 'approve' | 'reject' | 'suspend';

export const adminApi = {
  affiliates: (q: { status?: UserStatus | ''; page?: number; limit?: number }, signal?: AbortSignal) =>
    api.get<Paged<AffiliateAccount>>('/api/admin/affiliates', { ...q }, signal),
  review: (id: string, action: ReviewAction, note: string) => api.post<{ affiliate: AffiliateAccount }>(`/api/admin/affiliates/${id}/${action}`, { note }),
  users: (q: { role?: Role | ''; status?: UserStatus | ''; page?: number; limit?: number }, signal?: AbortSignal) =>
    api.get<Paged<User>>('/api/admin/users', { ...q }, signal),
  jobRuns: (q: { job?: string; page?: number; limit?: number }, signal?: AbortSignal) => api.get<Paged<JobRun>>('/api/admin/job-runs', { ...q }, signal),
  queues: (signal?: AbortSignal) => api.get<{ queues: QueueSummary[] }>('/api/admin/queues/summary', undefined, signal),
};

/** Bull Board, served by the API behind admin auth. */
export const QUEUE_BOARD_URL = '/api/admin/queues';
