import type { AppContext } from '../context';
import { apiKeys, apiKeySets, dropFromSet, type ApiKeyDoc } from './key-store';

/** How long a slot may stay without its credential before the list frees it (creation writes both within moments). */
const ORPHAN_GRACE_MS = 60_000;

/**
 * An account's active keys, newest first: its set document and one read by
 * `_id` per key (at most MAX_ACTIVE_API_KEYS). Entries left by a crash (a
 * slot whose credential was never written, or a revoked key still listed)
 * are skipped and freed.
 */
export async function listApiKeys(ctx: AppContext, userId: string): Promise<ApiKeyDoc[]> {
  const set = await apiKeySets(ctx.db).findOne({ _id: userId });
  const entries = Object.entries(set?.keys ?? {});
  const docs = await Promise.all(entries.map(([, e]) => apiKeys(ctx.db).findOne({ _id: e.hash })));
  const active: ApiKeyDoc[] = [];
  const stale: string[] = [];
  entries.forEach(([id, e], i) => {
    const doc = docs[i];
    if (doc && !doc.revokedAt) active.push(doc);
    else if (doc || Date.now() - e.at.getTime() > ORPHAN_GRACE_MS) stale.push(id);
  });
  await Promise.all(stale.map((id) => dropFromSet(ctx.db, userId, id)));
  return active.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
}
