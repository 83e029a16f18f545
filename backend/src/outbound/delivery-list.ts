import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { addEntries, addEntry, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type CountedList, type Page } from '../db/list-buckets';
import type { DeliveryDoc } from '../db/models/delivery';

/**
 * The deliveries log's read model (see db/list-buckets): day buckets of
 * `"<at ms>_<id>"` under `all` and `aff:<affiliateId>`, each listed before
 * the attempt is inserted, and per scope the count `n` of stored attempts,
 * added once the insert (of a fresh id) stored it.
 */
export const DELIVERY_LIST = 'dl';

export const deliveryScopes = (d: Pick<DeliveryDoc, 'affiliateId'>) => ['all', `aff:${d.affiliateId}`];

type Listed = Pick<DeliveryDoc, '_id' | 'affiliateId' | 'at'>;

/** Lists one attempt before it is inserted. */
export const listDelivery = (db: Db, d: Listed) => addEntry(db, DELIVERY_LIST, deliveryScopes(d), d.at.getTime(), d._id);

function countsOf(docs: Array<Pick<DeliveryDoc, 'affiliateId'>>): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const d of docs) for (const s of deliveryScopes(d)) counts.set(s, { n: (counts.get(s)?.n ?? 0) + 1 });
  return counts;
}

/** Counts attempts the insert stored. */
export const countStoredDeliveries = (db: Db, docs: Array<Pick<DeliveryDoc, 'affiliateId'>>) => incCounters(db, DELIVERY_LIST, countsOf(docs));

/** Lists attempts written directly (tests, the seed) before they are inserted. */
export const listDeliveries = (db: Db, docs: Listed[]) => addEntries(db, DELIVERY_LIST, docs.map((d) => ({ scopes: deliveryScopes(d), ms: d.at.getTime(), id: d._id })));

const scanDeliveries = (db: Db) => db.collection<DeliveryDoc>('postback_deliveries').find({}, { projection: { _id: 1, affiliateId: 1, at: 1 } });

export const deliveryListCounters: CountedList = { list: DELIVERY_LIST, counters: ['n'], countRows: (ctx) => countScan(scanDeliveries(ctx.db), countsOf), backfill: (db) => backfillDeliveryList(db) };

/** Attempts stored before the buckets existed are listed and counted once per database (one scan, recorded in `migrations`). */
export function backfillDeliveryList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_deliveries', async () => {
    const docs = await scanDeliveries(db).toArray();
    await listDeliveries(db, docs);
    await setCounters(db, DELIVERY_LIST, countsOf(docs));
  });
}

export interface DeliveryPage extends Page<DeliveryDoc> {
  total: number;
}

/** A page of one affiliate's deliveries (or of all, `affiliateId` undefined). */
export async function readDeliveryPage(ctx: AppContext, q: { affiliateId?: string | undefined; limit: number; order: 'asc' | 'desc'; after: string | null }): Promise<DeliveryPage> {
  await backfillDeliveryList(ctx.db);
  const scope = q.affiliateId ? `aff:${q.affiliateId}` : 'all';
  const [page, counters] = await Promise.all([
    readPage<DeliveryDoc>(ctx.db, {
      list: DELIVERY_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fetch: async (id) => (await ctx.models.Delivery.findById(id).lean()) as DeliveryDoc | null,
      accept: (d) => !q.affiliateId || d.affiliateId === q.affiliateId,
    }),
    readScope(ctx.db, DELIVERY_LIST, scope),
  ]);
  return { ...page, total: Number(counters?.n ?? 0) };
}
