import type { Collection } from 'mongodb';
import { insertNew } from './insert-new';

/**
 * Finding rows by an exact value without a scan: one document per value,
 * `_id` `<kind>|<value>` (say `t|<txnId>`), holding the ids of the rows that
 * carry it. Kept on write before the row is stored (like its list buckets),
 * so a crash in between leaves an id that readers skip.
 */
export interface SearchKeyDoc {
  _id: string;
  ids: string[];
}

/** A search reads at most this many rows per value (the newest ids): more would make one search unbounded. */
export const SEARCH_IDS_MAX = 100;

export interface Keyed {
  id: string;
  keys: string[];
}

/**
 * Adds rows to the search keys of their values: new keys in one unordered
 * insert (the usual case: a value is new), then one `$addToSet` by `_id` for
 * each key that existed, so a rerun or a backfill meeting a new row adds
 * nothing twice.
 */
export async function addSearchKeys(col: Collection<SearchKeyDoc>, rows: Keyed[]): Promise<void> {
  const byKey = new Map<string, string[]>();
  for (const r of rows) for (const k of r.keys) byKey.set(k, [...(byKey.get(k) ?? []), r.id]);
  const docs = [...byKey].map(([_id, ids]) => ({ _id, ids }));
  const { existing } = await insertNew(col, docs);
  await Promise.all(existing.map((i) => col.updateOne({ _id: docs[i]!._id }, { $addToSet: { ids: { $each: docs[i]!.ids } } })));
}

/** The ids the keys hold: one read by `_id` per key, at most SEARCH_IDS_MAX ids each (the newest). */
export async function readSearchIds(col: Collection<SearchKeyDoc>, keys: string[]): Promise<string[]> {
  const found = await Promise.all(keys.map((_id) => col.findOne({ _id })));
  return [...new Set(found.flatMap((d) => d?.ids.slice(-SEARCH_IDS_MAX) ?? []))];
}

/** Feeds a scan to `record` 500 rows at a time (a one-time backfill of search keys). */
export async function inBatches<T>(docs: AsyncIterable<T>, record: (batch: T[]) => Promise<void>): Promise<void> {
  let batch: T[] = [];
  for await (const doc of docs) {
    batch.push(doc);
    if (batch.length === 500) {
      await record(batch);
      batch = [];
    }
  }
  if (batch.length) await record(batch);
}
