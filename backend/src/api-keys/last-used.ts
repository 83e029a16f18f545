import type { AppContext } from '../context';
import { apiKeys, type ApiKeyDoc } from './key-store';

/** At most one `lastUsedAt` write per key in this many seconds, across every instance. */
const TOUCH_EVERY_SECONDS = 60;

/**
 * Records that a key was used, throttled: a busy key would otherwise rewrite
 * its document on every request. A Redis `SET NX` with an expiry lets one
 * request per key and minute through, whichever instance it reaches. Not
 * awaited by the request, and a failure (Redis or the database unreachable)
 * costs only a stale `lastUsedAt`.
 */
export function touchLastUsed(ctx: AppContext, key: Pick<ApiKeyDoc, '_id' | 'id'>): void {
  void (async () => {
    const first = await ctx.redis.set(`${ctx.keys.prefix}:apikey:used:${key.id}`, '1', 'EX', TOUCH_EVERY_SECONDS, 'NX');
    if (first !== 'OK') return;
    await apiKeys(ctx.db).updateOne({ _id: key._id }, { $set: { lastUsedAt: new Date() } });
  })().catch((err: unknown) => ctx.log.warn({ err, keyId: key.id }, 'could not record an API key’s last use'));
}
