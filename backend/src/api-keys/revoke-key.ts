import { recordAudit } from '../audit/audit-log';
import type { AppContext } from '../context';
import { notFound } from '../domain/errors';
import type { KeyActor } from './actor';
import { apiKeyIds, apiKeys, dropFromSet, type ApiKeyDoc } from './key-store';

/**
 * Revokes a key: the actor's own, or any account's for an admin. Another
 * account's key answers 404 like a missing one, so ids cannot be probed. The
 * credential is marked first: every instance reads it on every request, so
 * the key is refused from that write on.
 */
export async function revokeApiKey(ctx: AppContext, actor: KeyActor, keyId: string): Promise<ApiKeyDoc> {
  const ref = await apiKeyIds(ctx.db).findOne({ _id: keyId });
  if (!ref || (actor.principal.role !== 'admin' && ref.userId !== actor.principal.id)) throw notFound('API key');
  const at = new Date();
  const res = await apiKeys(ctx.db).updateOne({ _id: ref.hash, revokedAt: null }, { $set: { revokedAt: at, revokedBy: actor.principal.id } });
  const key = await apiKeys(ctx.db).findOne({ _id: ref.hash });
  if (!key) throw notFound('API key');
  // Also after a crash between the two writes: a second revocation completes the first.
  await dropFromSet(ctx.db, ref.userId, keyId);
  if (res.modifiedCount !== 1) throw notFound('API key');
  await recordAudit(ctx, {
    action: 'api_key.revoke',
    actor: actor.audit,
    target: { type: 'api_key', id: key.id, label: `${key.name} (${key.prefix}…)` },
    details: { owner: key.userId, name: key.name, prefix: key.prefix, scope: key.scope },
    ip: actor.ip,
  });
  return key;
}
