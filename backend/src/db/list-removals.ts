import type { Db } from 'mongodb';
import { dayKey } from '../domain/time-buckets';
import { bulkWriteInChunks } from './bulk-write';
import { bucketId, entryOf, listDays } from './list-buckets';

/**
 * Takes a row's entry out of some of its scopes' day buckets (`$pull`, by
 * `_id`). For scopes a row belongs to only for a while (a payout's status):
 * the entry of the scope it moves into is added before the row changes and
 * the old one removed after, so a reader meets at worst a stale entry, which
 * it skips by checking the fetched row, and never misses one.
 */
export async function removeEntry(db: Db, list: string, scopes: string[], ms: number, id: string): Promise<void> {
  const entry = entryOf(ms, id);
  const day = dayKey(ms);
  await bulkWriteInChunks(
    listDays(db),
    scopes.map((s) => ({ updateOne: { filter: { _id: bucketId(list, s, day) }, update: { $pull: { entries: entry } } } })),
  );
}
