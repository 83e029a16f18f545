import type { Db } from 'mongodb';
import type { ApiKeyScope } from '@offerly/contract';

/**
 * Where keys live, every document addressed by `_id`:
 *
 * - `api_keys`, `_id` = SHA-256 of the secret: the credential itself, what
 *   authentication reads (one `findOne` per request);
 * - `api_key_ids`, `_id` = the key's public id: which hash and account it
 *   belongs to, so a key can be revoked by id (an admin does not know whose
 *   key it is beforehand);
 * - `api_key_sets`, `_id` = account id: the account's active keys
 *   (`keys.<id>` → hash) and their number `n`, which bounds them; the list
 *   of an account's keys is this document plus one read per key.
 */
export interface ApiKeyDoc {
  _id: string;
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

export interface ApiKeyIdDoc {
  _id: string;
  hash: string;
  userId: string;
}

export interface ApiKeySetDoc {
  _id: string;
  n: number;
  keys: Record<string, { hash: string; at: Date }>;
}

export const apiKeys = (db: Db) => db.collection<ApiKeyDoc>('api_keys');
export const apiKeyIds = (db: Db) => db.collection<ApiKeyIdDoc>('api_key_ids');
export const apiKeySets = (db: Db) => db.collection<ApiKeySetDoc>('api_key_sets');

/** Takes a key out of its account's set; only a set that still held it has its count moved. */
export async function dropFromSet(db: Db, userId: string, keyId: string): Promise<void> {
  await apiKeySets(db).updateOne({ _id: userId, [`keys.${keyId}`]: { $exists: true } }, { $unset: { [`keys.${keyId}`]: '' }, $inc: { n: -1 } });
}
