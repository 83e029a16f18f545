import type { AppContext } from '../context';
import type { PayoutDoc } from '../db/models/payout';
import { conflict, notFound } from '../domain/errors';
import { acquireLock } from '../job-runs/lock';
import { countPayoutMove } from './payout-list';
import { markDone, markOpen } from './payout-holds';
import { releasePayout } from './run';
import { canTransitionPayout, PAYOUT_TRANSITIONS, type PayoutAction } from '../domain/payout-plan';

/**
 * Moves a payout along pending_approval → approved → paid, or to rejected.
 * Changes are serialised per payout by a Redis lock and conditional on the
 * status they were read in (409 otherwise);
 * every transition is kept in the history, and a rejection releases what the
 * payout holds (conversions, click earnings) so a later run can pay them.
 */
export async function transitionPayout(
  ctx: AppContext,
  id: string,
  action: PayoutAction,
  by: string,
  opts: { note?: string; reference?: string | null } = {},
): Promise<PayoutDoc> {
  // One change at a time per payout: FerretDB does not apply conditional updates atomically.
  const lock = await acquireLock(ctx.redis, ctx.keys.jobLock(`payout:${id}`), 30_000);
  if (!lock) throw conflict('The payout is being changed right now; reload and retry');
  try {
    return await applyTransition(ctx, id, action, by, opts);
  } finally {
    await lock.release();
  }
}

async function applyTransition(ctx: AppContext, id: string, action: PayoutAction, by: string, opts: { note?: string; reference?: string | null }): Promise<PayoutDoc> {
  const p = (await ctx.models.Payout.findById(id).lean()) as PayoutDoc | null;
  if (!p || p.status === 'building') throw notFound('Payout');
  if (!canTransitionPayout(action, p.status)) throw conflict(`The payout is ${p.status.replace('_', ' ')}; it cannot be ${action === 'markPaid' ? 'marked paid' : `${action}d`}`, { status: p.status });
  const to = PAYOUT_TRANSITIONS[action].to;
  // Marked before the change: a rejection interrupted before its release is finished by the next payout run.
  if (action === 'reject') await markOpen(ctx.db, 'releasing', id);
  const $set: Record<string, unknown> = { status: to };
  if (action === 'markPaid') $set.paidReference = opts.reference ?? null;
  const updated = (await ctx.models.Payout.findOneAndUpdate(
    { _id: id, status: p.status },
    { $set, $push: { history: { at: new Date(), by, from: p.status, to, note: opts.note ?? '' } } },
    { returnDocument: 'after' },
  ).lean()) as PayoutDoc | null;
  if (!updated) throw conflict('The payout changed meanwhile; reload and retry');
  await countPayoutMove(ctx.db, updated, p.status, to);
  if (action === 'reject') {
    await releasePayout(ctx, id);
    await markDone(ctx.db, 'releasing', id);
  }
  return updated;
}
