import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { addEntries, backfillOnce, readPage, type Page } from '../db/list-buckets';
import type { PayoutDoc, PayoutLineDoc } from '../db/models/payout';

/**
 * A payout's lines read O(page) (see db/list-buckets): day buckets of
 * `"<convertedAt ms>_<line id>"` under the scope `pay:<payoutId>` (a clicks
 * line sorts by its day's start, as before). The lines' count needs no
 * counter of its own: the payout document holds it (`conversionCount` +
 * `clickEarningCount`), written once by the conditional update that completes
 * the payout from exactly the lines it stored.
 */
export const PAYOUT_LINE_LIST = 'pl';

export const payoutLineScope = (payoutId: string) => `pay:${payoutId}`;

type Listed = Pick<PayoutLineDoc, '_id' | 'payoutId' | 'convertedAt'>;

/** Lists lines before they are stored (idempotent: a rebuild lists the same entries again). */
export async function listPayoutLines(db: Db, lines: Listed[]): Promise<void> {
  await addEntries(db, PAYOUT_LINE_LIST, lines.map((l) => ({ scopes: [payoutLineScope(l.payoutId)], ms: l.convertedAt.getTime(), id: l._id })));
}

/** Lines stored before the buckets existed are listed once per database (one scan, recorded in `migrations`). */
export function backfillPayoutLineList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_payout_lines', async () => {
    const lines = await db.collection<PayoutLineDoc>('payout_lines').find({}, { projection: { _id: 1, payoutId: 1, convertedAt: 1 } }).toArray();
    await listPayoutLines(db, lines);
  });
}

export interface PayoutLinePage extends Page<PayoutLineDoc> {
  total: number;
}

/** A page of one payout's lines (the caller has checked the payout may be seen). */
export async function readPayoutLinePage(ctx: AppContext, p: PayoutDoc, q: { limit: number; order: 'asc' | 'desc'; after: string | null }): Promise<PayoutLinePage> {
  await backfillPayoutLineList(ctx.db);
  const page = await readPage<PayoutLineDoc>(ctx.db, {
    list: PAYOUT_LINE_LIST,
    scope: payoutLineScope(p._id),
    order: q.order,
    limit: q.limit,
    after: q.after,
    fetch: async (id) => (await ctx.models.PayoutLine.findById(id).lean()) as PayoutLineDoc | null,
    accept: (l) => l.payoutId === p._id,
  });
  return { ...page, total: (p.conversionCount ?? 0) + (p.clickEarningCount ?? 0) };
}
