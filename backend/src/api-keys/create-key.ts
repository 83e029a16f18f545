import { MAX_ACTIVE_API_KEYS, type ApiKeyCreateBody } from '@offerly/contract';
import { recordAudit } from '../audit/audit-log';
import type { AppContext } from '../context';
import { isDuplicateKey } from '../db/duplicate-key';
import { newId } from '../db/ids';
import { conflict } from '../domain/errors';
import type { KeyActor } from './actor';
import { apiKeyIds, apiKeys, apiKeySets, type ApiKeyDoc } from './key-store';
import { keyHash, newKeySecret, visiblePrefix } from './secrets';

/**
 * Takes one of the account's key slots: a conditional update of its set, so
 * concurrent creations cannot pass the limit together. The first key's upsert
 * can collide with a concurrent one (or meet a full set): tried once more
 * without upsert, which then decides.
 */
async function reserveSlot(ctx: AppContext, userId: string, keyId: string, hash: string, at: Date): Promise<boolean> {
  const filter = { _id: userId, n: { $lt: MAX_ACTIVE_API_KEYS } };
  const update = { $set: { [`keys.${keyId}`]: { hash, at } }, $inc: { n: 1 } };
  try {
    await apiKeySets(ctx.db).updateOne(filter, update, { upsert: true });
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return (await apiKeySets(ctx.db).updateOne(filter, update)).matchedCount === 1;
  }
}

/**
 * Creates a key for the actor's own account and returns it with its secret,
 * which is never stored nor shown again. The slot is taken first and the
 * credential written last, so a crash in between leaves a slot without a
 * working key (the list frees it), never a working key no list shows.
 */
export async function createApiKey(ctx: AppContext, actor: KeyActor, input: ApiKeyCreateBody): Promise<{ key: ApiKeyDoc; secret: string }> {
  const userId = actor.principal.id;
  const secret = newKeySecret();
  const hash = keyHash(secret);
  const key: ApiKeyDoc = { _id: hash, id: newId(), userId, name: input.name, prefix: visiblePrefix(secret), scope: input.scope, createdAt: new Date(), lastUsedAt: null, revokedAt: null, revokedBy: null };
  if (!(await reserveSlot(ctx, userId, key.id, hash, key.createdAt))) {
    throw conflict(`An account may hold at most ${MAX_ACTIVE_API_KEYS} active API keys; revoke one first`, { max: MAX_ACTIVE_API_KEYS });
  }
  await apiKeyIds(ctx.db).insertOne({ _id: key.id, hash, userId });
  await apiKeys(ctx.db).insertOne(key);
  await recordAudit(ctx, {
    action: 'api_key.create',
    actor: actor.audit,
    target: { type: 'api_key', id: key.id, label: `${key.name} (${key.prefix}…)` },
    details: { owner: userId, name: key.name, prefix: key.prefix, scope: key.scope },
    ip: actor.ip,
  });
  return { key, secret };
}
