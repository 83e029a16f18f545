import type { ApiKey, ApiKeyCreated, ApiKeyList, ApiKeyRevoked, ApiKeyScope } from '@offerly/contract';
import { api } from './client';

export type { ApiKey, ApiKeyScope };

export const apiKeysApi = {
  list: (signal?: AbortSignal) => api.get<ApiKeyList>('/api/api-keys', undefined, signal),
  create: (name: string, scope: ApiKeyScope) => api.post<ApiKeyCreated>('/api/api-keys', { name, scope }),
  revoke: (id: string) => api.del<ApiKeyRevoked>(`/api/api-keys/${id}`),
};

/** What each scope lets a key do, as the create dialog and the list explain it. */
export const SCOPE_TEXT: Record<ApiKeyScope, { label: string; description: string }> = {
  read: { label: 'Read only', description: 'Looks at everything your account can see; changes nothing.' },
  postbacks: { label: 'Postbacks', description: 'For your server: test postbacks and postback lookups.' },
  full: { label: 'Full access', description: 'Everything your account can do, except creating keys.' },
};
