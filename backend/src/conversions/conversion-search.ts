import type { Db } from 'mongodb';
import type { ConversionDoc } from '../db/models/conversion';
import { insertNew } from '../db/insert-new';
import { backfillOnce } from '../db/list-buckets';

/**
 * Finding conversions by the advertiser's transaction id or by click id
 * without a scan: one document per value, `_id` `t|<txnId>` or
 * `c|<clickId>`, holding the ids of the conversions that carry it (a txn id
 * may recur across campaigns, a click may convert more than once). Kept on
 * write before the conversion is stored (like its list buckets), so a crash
 * in between leaves an id readers skip. The dedupe keys of conversion-keys.ts
 * cannot serve here: they are per campaign, and the search names none.
 */
export const CONVERSION_SEARCH = 'conversion_search';

interface SearchKeyDoc {
  _id: string;
  ids: string[];
}

/** A search reads at most this many conversions per value (the newest ids): more would make one search unbounded. */
export const SEARCH_IDS_MAX = 100;

type Searchable = Pick<ConversionDoc, '_id' | 'txnId' | 'clickId'>;

const keysOf = (c: Searchable) => [`t|${c.txnId}`, `c|${c.clickId}`];

/**
 * Adds conversions to the search keys of their txn id and click id: new keys
 * in one unordered insert (the usual case: a txn id is new), then one
 * `$addToSet` by `_id` for each key that existed, so a rerun or the backfill
 * meeting a new conversion adds nothing twice.
 */
export async function recordSearchKeys(db: Db, docs: Searchable[]): Promise<void> {
  const byKey = new Map<string, string[]>();
  for (const c of docs) for (const k of keysOf(c)) byKey.set(k, [...(byKey.get(k) ?? []), c._id]);
  const rows = [...byKey].map(([_id, ids]) => ({ _id, ids }));
  const col = db.collection<SearchKeyDoc>(CONVERSION_SEARCH);
  const { existing } = await insertNew(col, rows);
  await Promise.all(existing.map((i) => col.updateOne({ _id: rows[i]!._id }, { $addToSet: { ids: { $each: rows[i]!.ids } } })));
}

/** Conversions stored before the search keys existed get their keys once per database (one scan, recorded in `migrations`). */
export function backfillConversionSearch(db: Db): Promise<void> {
  return backfillOnce(db, 'conversion_search_keys', async () => {
    const cursor = db.collection<ConversionDoc>('conversions').find({}, { projection: { _id: 1, txnId: 1, clickId: 1 } });
    let batch: Searchable[] = [];
    for await (const doc of cursor) {
      batch.push(doc);
      if (batch.length === 500) {
        await recordSearchKeys(db, batch);
        batch = [];
      }
    }
    await recordSearchKeys(db, batch);
  });
}

/** The ids of conversions whose txn id or click id is `term`: two reads by `_id`, at most 2 × SEARCH_IDS_MAX ids. */
export async function searchConversionIds(db: Db, term: string): Promise<string[]> {
  await backfillConversionSearch(db);
  const col = db.collection<SearchKeyDoc>(CONVERSION_SEARCH);
  const found = await Promise.all([col.findOne({ _id: `t|${term}` }), col.findOne({ _id: `c|${term}` })]);
  return [...new Set(found.flatMap((d) => d?.ids.slice(-SEARCH_IDS_MAX) ?? []))];
}
