import type { AuditEntry, PlatformSettings, PlatformSettingsPatch } from '@offerly/contract';
import { api } from './client';
import type { CursorPaged } from './types';

export type { AuditEntry, PlatformSettings, PlatformSettingsPatch };
export type AuditQuery = { cursor?: string; order?: 'asc' | 'desc'; action?: string; limit?: number };

/** Admins: the platform settings and the audit log. */
export const settingsApi = {
  get: (signal?: AbortSignal) => api.get<PlatformSettings>('/api/admin/settings', undefined, signal),
  save: (body: PlatformSettingsPatch) => api.patch<PlatformSettings>('/api/admin/settings', body),
  auditLog: (q: AuditQuery, signal?: AbortSignal) => api.get<CursorPaged<AuditEntry>>('/api/admin/audit-log', { ...q }, signal),
};
