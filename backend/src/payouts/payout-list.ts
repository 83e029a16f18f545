import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { addEntries, addEntry, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type BulkEntry, type CountedList, type Page } from '../db/list-buckets';
import { removeEntry } from '../db/list-removals';
import type { PayoutDoc, PayoutStatus } from '../db/models/payout';

/**
 * The payouts list's read model (see db/list-buckets), day buckets of
 * `"<createdAt ms>_<id>"` in two kinds of scope:
 *
 * - for life, per affiliate and currency and both (`all`, `aff:<id>`,
 *   `cur:<CUR>`, `aff:<id>|cur:<CUR>`): listed before the payout is created
 *   (while `building`, which no list shows); their scope documents count the
 *   payouts in each shown status, moved by the conditional updates that
 *   complete a payout and change its status, only when they matched;
 * - for its current status, the same scopes with `|st:<status>`: added before
 *   the update that gives the payout that status, removed after the update
 *   that takes it away (list-removals), so a status filter reads only the
 *   payouts in that status (and at worst a stale entry, which it skips).
 *
 * A request reads the one scope made of every id and status filter it names;
 * its total is a counter of the scope without status. A date range bounds
 * the key range of the same buckets (keyset, never a scan).
 */
export const PAYOUT_LIST = 'po';
export const LISTED_PAYOUT_STATUSES = ['pending_approval', 'approved', 'paid', 'rejected'] as const;
type Listed = (typeof LISTED_PAYOUT_STATUSES)[number];
const isListed = (s: string): s is Listed => (LISTED_PAYOUT_STATUSES as readonly string[]).includes(s);

type Scoped = Pick<PayoutDoc, 'affiliateId'> & { currency?: string | undefined };

/** The scope a filter reads: the affiliate, the currency, both or neither (`all`); with a status, its status scope. */
export function payoutScope(f: { affiliateId?: string | undefined; currency?: string | undefined; status?: string | undefined }): string {
  const ids = [f.affiliateId ? `aff:${f.affiliateId}` : null, f.currency ? `cur:${f.currency}` : null].filter((s) => s !== null).join('|') || 'all';
  return f.status ? `${ids}|st:${f.status}` : ids;
}

/** The lifelong scopes of a payout (payouts stored before currencies were scoped may lack one: then only the first two). */
export function payoutScopes(p: Scoped): string[] {
  const base = [payoutScope({}), payoutScope({ affiliateId: p.affiliateId })];
  return p.currency ? [...base, payoutScope({ currency: p.currency }), payoutScope({ affiliateId: p.affiliateId, currency: p.currency })] : base;
}

const statusScopes = (p: Scoped, status: string) => payoutScopes(p).map((s) => `${s}|st:${status}`);

/** Lists a payout before it is created. */
export const listNewPayout = (db: Db, p: Pick<PayoutDoc, '_id' | 'affiliateId' | 'currency' | 'createdAt'>) => addEntry(db, PAYOUT_LIST, payoutScopes(p), p.createdAt.getTime(), p._id);

type Moving = Pick<PayoutDoc, '_id' | 'affiliateId' | 'currency' | 'createdAt'>;

/** Lists a payout under the status it is about to get (before the update that gives it). */
export async function listPayoutStatus(db: Db, p: Moving, status: PayoutStatus): Promise<void> {
  if (isListed(status)) await addEntry(db, PAYOUT_LIST, statusScopes(p, status), new Date(p.createdAt).getTime(), p._id);
}

/** Takes a payout out of the status it no longer has (after the update that took it away). */
export async function unlistPayoutStatus(db: Db, p: Moving, status: PayoutStatus): Promise<void> {
  if (isListed(status)) await removeEntry(db, PAYOUT_LIST, statusScopes(p, status), new Date(p.createdAt).getTime(), p._id);
}

/** Moves the status counters for a change a conditional update made (from null: the payout was completed). */
export async function countPayoutMove(db: Db, p: Scoped, from: PayoutStatus | null, to: PayoutStatus): Promise<void> {
  const inc: Record<string, number> = {};
  if (from && isListed(from)) inc[from] = -1;
  if (isListed(to)) inc[to] = (inc[to] ?? 0) + 1;
  await incCounters(db, PAYOUT_LIST, new Map(payoutScopes(p).map((s) => [s, { ...inc }])));
}

function countsOf(docs: Array<Scoped & Pick<PayoutDoc, 'status'>>): Map<string, Record<string, number>> {
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

type Stored = Pick<PayoutDoc, '_id' | 'affiliateId' | 'createdAt'> & { currency?: string | undefined; status?: PayoutStatus | undefined };

/** Every scope a stored payout belongs to: its lifelong ones and, in a shown status, that status's. */
const entriesOf = (docs: Stored[]): BulkEntry[] =>
  docs.map((d) => ({ scopes: [...payoutScopes(d), ...(d.status && isListed(d.status) ? statusScopes(d, d.status) : [])], ms: d.createdAt.getTime(), id: d._id }));

/** Lists payouts written directly (tests) before they are inserted; `countStoredPayouts` once stored. */
export const listPayouts = (db: Db, docs: Stored[]) => addEntries(db, PAYOUT_LIST, entriesOf(docs));
export const countStoredPayouts = (db: Db, docs: Array<Scoped & Pick<PayoutDoc, 'status'>>) => incCounters(db, PAYOUT_LIST, countsOf(docs));

const scanPayouts = (db: Db) => db.collection<PayoutDoc>('payouts').find({}, { projection: { _id: 1, affiliateId: 1, currency: 1, createdAt: 1, status: 1 } });

export const payoutListCounters: CountedList = { list: PAYOUT_LIST, counters: LISTED_PAYOUT_STATUSES, countRows: (ctx) => countScan(scanPayouts(ctx.db), countsOf), backfill: (db) => backfillPayoutList(db) };

/**
 * Payouts stored before the buckets (or before their currency and status
 * scopes) existed are listed and counted once per database (one scan,
 * recorded in `migrations`). Listing again is idempotent; a status change
 * during the scan can leave a stale status entry (skipped by readers) or a
 * counter one off (reconciliation finds it, repair-list-counters corrects it).
 */
export function backfillPayoutList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_payouts_by_currency_status', async () => {
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
  currency?: string | undefined;
  /** createdAt bounds: from ≤ createdAt < to. */
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface PayoutPage extends Page<PayoutDoc> {
  /** Payouts matching the filters, or null with a date range (no counter answers it). */
  total: number | null;
}

/** A page of payouts through the scope of the request's filters; its total from that scope's counters. */
export async function readPayoutPage(ctx: AppContext, q: PayoutListQuery): Promise<PayoutPage> {
  await backfillPayoutList(ctx.db);
  const counted = payoutScope({ affiliateId: q.affiliateId, currency: q.currency });
  const dated = q.from !== undefined || q.to !== undefined;
  const [page, counters] = await Promise.all([
    readPage<PayoutDoc>(ctx.db, {
      list: PAYOUT_LIST,
      scope: payoutScope(q),
      order: q.order,
      limit: q.limit,
      after: q.after,
      fromMs: q.from?.getTime(),
      toMs: q.to?.getTime(),
      fetch: async (id) => (await ctx.models.Payout.findById(id).lean()) as PayoutDoc | null,
      // The scope answers every filter; the row is checked again (a stale status entry, an entry without its payout yet).
      accept: (p) =>
        (q.status ? p.status === q.status : isListed(p.status)) && (!q.affiliateId || p.affiliateId === q.affiliateId) && (!q.currency || p.currency === q.currency),
    }),
    dated ? null : readScope(ctx.db, PAYOUT_LIST, counted),
  ]);
  if (dated) return { ...page, total: null };
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
