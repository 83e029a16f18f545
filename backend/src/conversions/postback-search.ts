import type { Db } from 'mongodb';
import type { PostbackDoc } from '../db/models/postback';
import { GroupCommit, perContext } from '../db/group-commit';
import { backfillOnce } from '../db/list-buckets';
import { addSearchKeys, inBatches, readSearchIds, type Keyed, type SearchKeyDoc } from '../db/search-keys';

/**
 * Finding postbacks by the txn id or click id they carried, without a scan
 * (db/search-keys): `_id` `t|<txn_id>` or `c|<click_id>` holding the ids of
 * the postbacks that sent it (a click's status updates, an advertiser's
 * retries). Written with the postback's list entry, before it is stored.
 */
export const POSTBACK_SEARCH = 'postback_search';

const searchKeys = (db: Db) => db.collection<SearchKeyDoc>(POSTBACK_SEARCH);

type Searchable = Pick<PostbackDoc, '_id' | 'params'>;

function keyed(pb: Searchable): Keyed {
  const keys: string[] = [];
  if (pb.params.txn_id) keys.push(`t|${pb.params.txn_id}`);
  if (pb.params.click_id) keys.push(`c|${pb.params.click_id}`);
  return { id: pb._id, keys };
}

/**
 * The keys of postbacks listed at the same time (a burst the worker takes
 * on) go together: one insert of the new keys per group, as the list entries
 * do (FerretDB applies one write command at a time).
 */
const keyGroups = perContext((db: Db) => new GroupCommit<Keyed, true>(async (rows) => (await addSearchKeys(searchKeys(db), rows), rows.map(() => true as const)), 200));

/** Records one postback's search keys (idempotent), grouped with the others in flight. */
export async function recordPostbackSearchKeys(db: Db, pb: Searchable): Promise<void> {
  const row = keyed(pb);
  if (row.keys.length) await keyGroups(db).add(row);
}

/** Records many postbacks' search keys at once (the seed, the backfill). */
export async function recordPostbacksSearchKeys(db: Db, docs: Searchable[]): Promise<void> {
  await addSearchKeys(searchKeys(db), docs.map(keyed).filter((r) => r.keys.length > 0));
}

/** Postbacks stored before the search keys existed get their keys once per database (one scan, recorded in `migrations`). */
export function backfillPostbackSearch(db: Db): Promise<void> {
  return backfillOnce(db, 'postback_search_keys', async () => {
    const cursor = db.collection<PostbackDoc>('postbacks').find({}, { projection: { _id: 1, params: 1 } });
    await inBatches(cursor, (batch) => recordPostbacksSearchKeys(db, batch));
  });
}

/** The ids of postbacks whose txn id or click id is `term`: two reads by `_id`, at most 2 × SEARCH_IDS_MAX ids. */
export async function searchPostbackIds(db: Db, term: string): Promise<string[]> {
  await backfillPostbackSearch(db);
  return readSearchIds(searchKeys(db), [`t|${term}`, `c|${term}`]);
}
