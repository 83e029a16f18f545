import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { addEntries, addEntry, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type CountedList, type Page } from '../db/list-buckets';
import type { PayoutDoc, PayoutStatus } from '../db/models/payout';

/**
 * The payouts list's read model (see db/list-buckets): day buckets of
 * `"<createdAt ms>_<id>"` under `all` and `aff:<affiliateId>`, listed before
 * the payout is created (while `building`, which no list shows), and per
 * scope the count of payouts in each shown status, moved by the conditional
 * updates that complete a payout and change its status, only when they
 * matched.
 */
export const PAYOUT_LIST = 'po';
export const LISTED_PAYOUT_STATUSES = ['pending_approval', 'approved', 'paid', 'rejected'] as const;
type Listed = (typeof LISTED_PAYOUT_STATUSES)[number];
const isListed = (s: string): s is Listed => (LISTED_PAYOUT_STATUSES as readonly string[]).includes(s);

export const payoutScopes = (p: Pick<PayoutDoc, 'affiliateId'>) => ['all', `aff:${p.affiliateId}`];

/** Lists a payout before it is created. */
export const listNewPayout = (db: Db, p: Pick<PayoutDoc, '_id' | 'affiliateId' | 'createdAt'>) => addEntry(db, PAYOUT_LIST, payoutScopes(p), p.createdAt.getTime(), p._id);

/** Moves the status counters for a change a conditional update made (from null: the payout was completed). */
export async function countPayoutMove(db: Db, p: Pick<PayoutDoc, 'affiliateId'>, from: PayoutStatus | null, to: PayoutStatus): Promise<void> {
  const inc: Record<string, number> = {};
  if (from && isListed(from)) inc[from] = -1;
  if (isListed(to)) inc[to] = (inc[to] ?? 0) + 1;
  await incCounters(db, PAYOUT_LIST, new Map(payoutScopes(p).map((s) => [s, { ...inc }])));
}

function countsOf(docs: Array<Pick<PayoutDoc, 'affiliateId' | 'status'>>): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const d of docs) {
    for (const s of payoutScopes(d)) {
      const c = counts.get(s) ?? Object.fromEntries(LISTED_PAYOUT_STATUSES.map((st) => [st, 0]));
      if (isListed(d.status)) c[d.status] = (c[d.status] ?? 0) + 1;
      counts.set(s, c);
    }
  }
  return counts;
}

/** Lists payouts written directly (tests) before they are inserted; `countStoredPayouts` once stored. */
export const listPayouts = (db: Db, docs: Array<Pick<PayoutDoc, '_id' | 'affiliateId' | 'createdAt'>>) =>
  addEntries(db, PAYOUT_LIST, docs.map((d) => ({ scopes: payoutScopes(d), ms: d.createdAt.getTime(), id: d._id })));
export const countStoredPayouts = (db: Db, docs: Array<Pick<PayoutDoc, 'affiliateId' | 'status'>>) => incCounters(db, PAYOUT_LIST, countsOf(docs));

const scanPayouts = (db: Db) => db.collection<PayoutDoc>('payouts').find({}, { projection: { _id: 1, affiliateId: 1, createdAt: 1, status: 1 } });

export const payoutListCounters: CountedList = { list: PAYOUT_LIST, counters: LISTED_PAYOUT_STATUSES, countRows: (ctx) => countScan(scanPayouts(ctx.db), countsOf), backfill: (db) => backfillPayoutList(db) };

/** Payouts stored before the buckets existed are listed and counted once per database (one scan, recorded in `migrations`). */
export function backfillPayoutList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_payouts', async () => {
    const docs = await scanPayouts(db).toArray();
    await listPayouts(db, docs);
    await setCounters(db, PAYOUT_LIST, countsOf(docs));
  });
}

export interface PayoutListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | null;
  affiliateId?: string | undefined;
  status?: Listed | undefined;
}

export interface PayoutPage extends Page<PayoutDoc> {
  total: number;
}

/** A page of payouts (one affiliate's, or all); a status filter picks rows out of the scope, its total from the counters. */
export async function readPayoutPage(ctx: AppContext, q: PayoutListQuery): Promise<PayoutPage> {
  await backfillPayoutList(ctx.db);
  const scope = q.affiliateId ? `aff:${q.affiliateId}` : 'all';
  const [page, counters] = await Promise.all([
    readPage<PayoutDoc>(ctx.db, {
      list: PAYOUT_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fetch: async (id) => (await ctx.models.Payout.findById(id).lean()) as PayoutDoc | null,
      accept: (p) => (q.status ? p.status === q.status : isListed(p.status)) && (!q.affiliateId || p.affiliateId === q.affiliateId),
    }),
    readScope(ctx.db, PAYOUT_LIST, scope),
  ]);
  const n = (s: Listed) => Number(counters?.[s] ?? 0);
  return { ...page, total: q.status ? n(q.status) : LISTED_PAYOUT_STATUSES.reduce((sum, s) => sum + n(s), 0) };
}

/** Every payout of the query in list order, page after page (the CSV export), up to `max`. */
export async function readAllPayouts(ctx: AppContext, q: Omit<PayoutListQuery, 'limit' | 'after'>, max: number): Promise<PayoutDoc[]> {
  const rows: PayoutDoc[] = [];
  let after: string | null = null;
  do {
    const page: PayoutPage = await readPayoutPage(ctx, { ...q, limit: Math.min(500, max - rows.length), after });
    rows.push(...page.rows);
    after = page.next;
  } while (after !== null && rows.length < max);
  return rows;
}
