import type { ApiKey } from '@offerly/contract';
import type { ApiKeyDoc } from './key-store';

/** What the API shows of a key: never the secret nor its hash. */
export function apiKeyView(k: ApiKeyDoc): ApiKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scope: k.scope,
    userId: k.userId,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
    revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
  };
}
