import type { AppContext } from '../context';
import type { PayoutDoc } from '../db/models/payout';
import { conflict, notFound, type ApiError } from '../domain/errors';
import { countPayoutMove, listPayoutStatus, unlistPayoutStatus } from './payout-list';
import { markDone, markOpen } from './payout-holds';
import { lockPayout } from './payout-lock';
import { releasePayout } from './run';
import { canTransitionPayout, PAYOUT_TRANSITIONS, type PayoutAction } from '../domain/payout-plan';

/** Why a change was not made: no such (shown) payout, one being changed right now, a status the action does not start from, or a change that got there first. */
export type PayoutRefusal = { kind: 'not_found' | 'busy' | 'not_allowed' | 'changed'; message: string; status: PayoutDoc['status'] | null };
export type PayoutChangeOutcome = { ok: true; payout: PayoutDoc } | { ok: false; refusal: PayoutRefusal };

const refused = (kind: PayoutRefusal['kind'], message: string, status: PayoutDoc['status'] | null = null): PayoutChangeOutcome => ({ ok: false, refusal: { kind, message, status } });

/** The API's answer to a refusal: 404 for a payout not found, 409 for the others. */
export function refusalError(r: PayoutRefusal): ApiError {
  if (r.kind === 'not_found') return notFound('Payout');
  return conflict(r.message, r.kind === 'not_allowed' && r.status ? { status: r.status } : undefined);
}

/**
 * Moves a payout along pending_approval → approved → paid, or to rejected.
 * Changes are serialised per payout by a Redis lock and conditional on the
 * status they were read in (refused otherwise);
 * every transition is kept in the history, and a rejection releases what the
 * payout holds (conversions, click earnings) so a later run can pay them.
 */
export async function tryTransitionPayout(
  ctx: AppContext,
  id: string,
  action: PayoutAction,
  by: string,
  opts: { note?: string; reference?: string | null } = {},
): Promise<PayoutChangeOutcome> {
  // One change at a time per payout: FerretDB does not apply conditional updates atomically.
  const lock = await lockPayout(ctx, id, 30_000);
  if (!lock) return refused('busy', 'The payout is being changed right now; reload and retry');
  try {
    return await applyTransition(ctx, id, action, by, opts);
  } finally {
    await lock.release();
  }
}

/** tryTransitionPayout for one request: a refusal is its 404 or 409. */
export async function transitionPayout(ctx: AppContext, id: string, action: PayoutAction, by: string, opts: { note?: string; reference?: string | null } = {}): Promise<PayoutDoc> {
  const r = await tryTransitionPayout(ctx, id, action, by, opts);
  if (!r.ok) throw refusalError(r.refusal);
  return r.payout;
}

async function applyTransition(ctx: AppContext, id: string, action: PayoutAction, by: string, opts: { note?: string; reference?: string | null }): Promise<PayoutChangeOutcome> {
  const p = (await ctx.models.Payout.findById(id).lean()) as PayoutDoc | null;
  if (!p || p.status === 'building') return refused('not_found', 'Payout not found');
  if (!canTransitionPayout(action, p.status)) {
    return refused('not_allowed', `The payout is ${p.status.replace('_', ' ')}; it cannot be ${action === 'markPaid' ? 'marked paid' : `${action}d`}`, p.status);
  }
  const to = PAYOUT_TRANSITIONS[action].to;
  // Marked before the change: a rejection interrupted before its release is finished by the next payout run.
  if (action === 'reject') await markOpen(ctx.db, 'releasing', id);
  // Listed under its new status before it has it (a reader skips the entry until then).
  await listPayoutStatus(ctx.db, p, to);
  const $set: Record<string, unknown> = { status: to };
  if (action === 'markPaid') $set.paidReference = opts.reference ?? null;
  const updated = (await ctx.models.Payout.findOneAndUpdate(
    { _id: id, status: p.status },
    { $set, $push: { history: { at: new Date(), by, from: p.status, to, note: opts.note ?? '' } } },
    { returnDocument: 'after' },
  ).lean()) as PayoutDoc | null;
  if (!updated) return refused('changed', 'The payout changed meanwhile; reload and retry');
  await Promise.all([countPayoutMove(ctx.db, updated, p.status, to), unlistPayoutStatus(ctx.db, p, p.status)]);
  if (action === 'reject') {
    await releasePayout(ctx, id);
    await markDone(ctx.db, 'releasing', id);
  }
  return { ok: true, payout: updated };
}
