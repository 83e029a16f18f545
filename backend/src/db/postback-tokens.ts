import crypto from 'node:crypto';
import type { Db } from 'mongodb';
import { backfillOnce } from './list-buckets';

/**
 * Postback secrets by `_id`: the one query FerretDB answers without reading
 * the whole collection. A secret is not a campaign's `_id`, and finding it in
 * `campaigns` scanned them for every unknown token a stranger sent. Entries
 * are keyed by the secret's SHA-256 (no third copy of the secret in clear)
 * and never removed: an old entry still names its campaign, and the campaign
 * itself says whether the secret still opens it (campaign-by-token.ts).
 */
export const POSTBACK_TOKENS = 'postback_tokens';

export interface PostbackTokenDoc {
  _id: string;
  campaignId: string;
}

export const tokenKey = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

export async function indexPostbackToken(db: Db, token: string, campaignId: string): Promise<void> {
  await db.collection<PostbackTokenDoc>(POSTBACK_TOKENS).updateOne({ _id: tokenKey(token) }, { $set: { campaignId } }, { upsert: true });
}

/** Campaigns created before the index existed are indexed once per database (one scan, recorded in `migrations`). */
function backfillTokens(db: Db): Promise<void> {
  return backfillOnce(db, 'postback_tokens', async () => {
    const cursor = db.collection<{ _id: string; postbackSecret?: string; previousPostbackSecret?: string | null }>('campaigns').find({}, { projection: { postbackSecret: 1, previousPostbackSecret: 1 } });
    for await (const c of cursor) {
      for (const t of [c.postbackSecret, c.previousPostbackSecret]) if (t) await indexPostbackToken(db, t, c._id);
    }
  });
}

/** The campaign id a secret was issued to, or null; one read by `_id` (after the one-time backfill). */
export async function campaignIdForToken(db: Db, token: string): Promise<string | null> {
  await backfillTokens(db);
  const doc = await db.collection<PostbackTokenDoc>(POSTBACK_TOKENS).findOne({ _id: tokenKey(token) });
  return doc?.campaignId ?? null;
}
