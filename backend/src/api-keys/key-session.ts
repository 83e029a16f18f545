import type { AppContext } from '../context';
import type { UserDoc } from '../db/models/user';
import type { Session } from '../http/request-context';
import { apiKeys } from './key-store';
import { touchLastUsed } from './last-used';
import { keyHash } from './secrets';

/**
 * The session an API key opens, or null when it opens none (unknown or
 * revoked). The key and its account are read on every request, by `_id`,
 * with nothing cached: a revocation, suspension or role change applies to
 * the next request on every instance.
 */
export async function apiKeySession(ctx: AppContext, secret: string): Promise<Session | null> {
  const key = await apiKeys(ctx.db).findOne({ _id: keyHash(secret) });
  if (!key || key.revokedAt) return null;
  const user = await ctx.models.User.findById(key.userId).lean<UserDoc>();
  if (!user) return null;
  touchLastUsed(ctx, key);
  return {
    principal: { id: user._id, role: user.role, status: user.status },
    user,
    jti: `key:${key.id}`,
    exp: 0,
    via: 'api_key',
    apiKey: { id: key.id, scope: key.scope, prefix: key.prefix, name: key.name },
  };
}
