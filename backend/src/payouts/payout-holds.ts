import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { backfillOnce } from '../db/list-buckets';
import type { PayoutDoc } from '../db/models/payout';

/**
 * What the payout run and the review API need to find without a query over
 * payouts or claims (both whole-collection reads on the embedded server):
 * - `payout_holds` (`_id` payout id): the claim ids a payout may hold,
 *   written before it claims them, so a release or an interrupted build
 *   finds them by `_id`;
 * - `payout_open` (`_id` `building` / `releasing`): payouts a run must finish
 *   building, and rejected payouts whose release may not have completed.
 *   An id is added before the change it stands for and removed once that
 *   change is complete, so an interruption leaves it for the next run.
 */
interface HoldsDoc {
  _id: string;
  ids: string[];
}
type OpenSet = 'building' | 'releasing';
interface OpenDoc {
  _id: OpenSet;
  ids: string[];
}

const holds = (db: Db) => db.collection<HoldsDoc>('payout_holds');
const open = (db: Db) => db.collection<OpenDoc>('payout_open');

export async function addHolds(db: Db, payoutId: string, claimIds: string[]): Promise<void> {
  if (claimIds.length > 0) await holds(db).updateOne({ _id: payoutId }, { $addToSet: { ids: { $each: claimIds } } }, { upsert: true });
}

export async function holdsOf(db: Db, payoutId: string): Promise<string[]> {
  return (await holds(db).findOne({ _id: payoutId }))?.ids ?? [];
}

export const dropHolds = (db: Db, payoutId: string) => holds(db).deleteOne({ _id: payoutId });

export async function openPayouts(db: Db, set: OpenSet): Promise<string[]> {
  return (await open(db).findOne({ _id: set }))?.ids ?? [];
}

export const markOpen = (db: Db, set: OpenSet, payoutId: string) => open(db).updateOne({ _id: set }, { $addToSet: { ids: payoutId } }, { upsert: true });
export const markDone = (db: Db, set: OpenSet, payoutId: string) => open(db).updateOne({ _id: set }, { $pullAll: { ids: [payoutId] } });

/**
 * Payouts and claims stored before these documents existed: one scan of each
 * per database. Rejected payouts are all released once more (releasing is
 * idempotent), as every run used to do.
 */
export function backfillPayoutHolds(ctx: AppContext): Promise<void> {
  return backfillOnce(ctx.db, 'payout_holds', async () => {
    const claims = await ctx.db.collection<{ _id: string; payoutId: string }>('payout_claims').find({}).toArray();
    const byPayout = new Map<string, string[]>();
    for (const c of claims) byPayout.set(c.payoutId, [...(byPayout.get(c.payoutId) ?? []), c._id]);
    for (const [payoutId, ids] of byPayout) await addHolds(ctx.db, payoutId, ids);
    const payouts = (await ctx.models.Payout.find({ status: { $in: ['building', 'rejected'] } }, { _id: 1, status: 1 }).lean()) as Array<Pick<PayoutDoc, '_id' | 'status'>>;
    for (const p of payouts) await markOpen(ctx.db, p.status === 'building' ? 'building' : 'releasing', p._id);
  });
}
