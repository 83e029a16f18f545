import type { Db } from 'mongodb';
import type { ConversionDoc } from '../db/models/conversion';
import { backfillOnce } from '../db/list-buckets';
import { addSearchKeys, inBatches, readSearchIds, type SearchKeyDoc } from '../db/search-keys';

/**
 * Finding conversions by the advertiser's transaction id or by click id
 * without a scan (db/search-keys): `_id` `t|<txnId>` or `c|<clickId>`,
 * holding the ids of the conversions that carry it (a txn id may recur
 * across campaigns, a click may convert more than once), written by
 * indexNewConversion before the conversion is stored. The dedupe keys of conversion-keys.ts
 * cannot serve here: they are per campaign, and the search names none.
 */
export const CONVERSION_SEARCH = 'conversion_search';

type Searchable = Pick<ConversionDoc, '_id' | 'txnId' | 'clickId'>;

const keysOf = (c: Searchable) => [`t|${c.txnId}`, `c|${c.clickId}`];

const searchKeys = (db: Db) => db.collection<SearchKeyDoc>(CONVERSION_SEARCH);

/** Adds conversions to the search keys of their txn id and click id (idempotent: see addSearchKeys). */
export async function recordSearchKeys(db: Db, docs: Searchable[]): Promise<void> {
  await addSearchKeys(searchKeys(db), docs.map((c) => ({ id: c._id, keys: keysOf(c) })));
}

/** Conversions stored before the search keys existed get their keys once per database (one scan, recorded in `migrations`). */
export function backfillConversionSearch(db: Db): Promise<void> {
  return backfillOnce(db, 'conversion_search_keys', async () => {
    const cursor = db.collection<ConversionDoc>('conversions').find({}, { projection: { _id: 1, txnId: 1, clickId: 1 } });
    await inBatches(cursor, (batch) => recordSearchKeys(db, batch));
  });
}

/** The ids of conversions whose txn id or click id is `term`: two reads by `_id`, at most 2 × SEARCH_IDS_MAX ids. */
export async function searchConversionIds(db: Db, term: string): Promise<string[]> {
  await backfillConversionSearch(db);
  return readSearchIds(searchKeys(db), [`t|${term}`, `c|${term}`]);
}
