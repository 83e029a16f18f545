import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import type { ConversionDoc } from '../db/models/conversion';
import { markHoursDirty } from '../db/rollup-dirty';
import { adminDecisionBlocks, canChangeStatus, countsTowardCaps, type ConversionStatus } from '../domain/attribution';
import { statusFields } from '../domain/conversion-money';
import { ApiError } from '../domain/errors';
import { dayKey } from '../domain/time-buckets';
import { releaseCapPlace, takeCapPlace } from './cap-gate';
import { countConversionTransition } from './conversion-list';
import { queueDueWork } from './due-work';
import { applyOrRecordEffects } from './effects-retry';

export interface StatusChangeOptions {
  /** User id of who changed it; null for the system (postbacks, scheduled jobs). */
  by: string | null;
  note?: string;
  /** Why it is rejected (only kept for `rejected`); defaults to advertiser_rejected. */
  reason?: string | null;
  /** An admin's review: it becomes the conversion's admin decision, which only another admin review can change. */
  admin?: boolean;
  /** Show the note to the affiliate too. */
  noteShared?: boolean;
}

/**
 * Moves a conversion to another status: the one way statuses change after
 * creation (review API, advertiser status postbacks, auto-approval).
 *
 * The update is conditional on the status, the cap place and the payout it
 * was read with, so of two concurrent changes exactly one wins; the loser
 * gets a 409. Rejecting gives the cap/budget place back; leaving `rejected`
 * must take one again, which fails with 409 and `details.reason`
 * `cap_reached` / `budget_exhausted` when the campaign is full.
 */
/** Why a status change was refused, as the domain says it; the review API answers it as 404 or 409 with these details. */
export interface StatusRefusal {
  kind: 'not_found' | 'conflict';
  message: string;
  /** `reason` is cap_reached, budget_exhausted or admin_decided where the caller can act on it. */
  details?: { reason?: 'cap_reached' | 'budget_exhausted' | 'admin_decided' } & Record<string, unknown>;
}

export type StatusChangeResult = { ok: true; conversion: ConversionDoc } | { ok: false; refusal: StatusRefusal };

/** Thrown inside this module only, and turned into a StatusChangeResult at its edge. */
class Refused extends Error {
  constructor(readonly refusal: StatusRefusal) {
    super(refusal.message);
  }
}

const notFound = (what: string) => new Refused({ kind: 'not_found', message: `${what} not found` });
const conflict = (message: string, details?: StatusRefusal['details']) => new Refused({ kind: 'conflict', message, ...(details ? { details } : {}) });

/** The change, or why it was refused (never an HTTP error: the postback worker reads the refusal's reason). */
export async function tryChangeConversionStatus(ctx: AppContext, id: string, to: ConversionStatus, opts: StatusChangeOptions): Promise<StatusChangeResult> {
  try {
    return { ok: true, conversion: await applyStatusChange(ctx, id, to, opts) };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, refusal: err.refusal };
    throw err;
  }
}

/** The review API's form: a refusal is a 404 or a 409 carrying its details. */
export async function changeConversionStatus(ctx: AppContext, id: string, to: ConversionStatus, opts: StatusChangeOptions): Promise<ConversionDoc> {
  const result = await tryChangeConversionStatus(ctx, id, to, opts);
  if (result.ok) return result.conversion;
  throw new ApiError(result.refusal.kind, result.refusal.message, result.refusal.details);
}

/** Records a change refused because an admin decided, then refuses it with `details.reason: admin_decided`. */
async function refuseOverAdmin(ctx: AppContext, conv: ConversionDoc, to: ConversionStatus, opts: StatusChangeOptions): Promise<never> {
  const decision = conv.adminDecision!;
  await ctx.models.Conversion.updateOne({ _id: conv._id }, { $push: { refusedChanges: { at: new Date(), by: opts.by, to, reason: 'admin_decided', note: opts.note ?? '' } } });
  throw conflict(`An admin ${decision.status} this conversion; only an admin can change it now`, { reason: 'admin_decided', status: decision.status, decidedAt: decision.at.toISOString() });
}

async function applyStatusChange(ctx: AppContext, id: string, to: ConversionStatus, opts: StatusChangeOptions): Promise<ConversionDoc> {
  const conv = (await ctx.models.Conversion.findById(id).lean()) as ConversionDoc | null;
  if (!conv) throw notFound('Conversion');
  if (conv.status === 'processing') throw conflict('The conversion is still being processed; try again in a moment');
  if (conv.payoutId) throw conflict('The conversion is part of a payout and can no longer change', { payoutId: conv.payoutId });
  const byAdmin = opts.admin === true;
  if (adminDecisionBlocks(conv.adminDecision, byAdmin)) await refuseOverAdmin(ctx, conv, to, opts);
  const from = conv.status;
  if (from === to) throw conflict(`The conversion is already ${to}`);
  if (!canChangeStatus(from, to, false)) throw conflict(`A ${from} conversion cannot become ${to}`);

  // The hour is marked before the change (it must be: a change without a mark is never re-rolled once the hour is
  // past the lookback) and again after it, by the effects: a rollup may take this first mark before the update lands.
  await markHoursDirty(ctx.db, [conv.convertedAt]);
  // Queued before the change too: the effects queue it again after, but a crash in between would skip them.
  await queueDueWork(ctx.db, [{ ...conv, status: to, payoutId: null }]);

  let capHeld = conv.capHeld;
  let capDay = conv.capDay;
  let taken: string | null = null;
  if (countsTowardCaps(to) && !conv.capHeld) {
    const campaign = (await ctx.models.Campaign.findById(conv.campaignId).lean()) as CampaignDoc | null;
    if (!campaign) throw notFound('Campaign');
    const day = dayKey(conv.convertedAt.getTime());
    const gate = await takeCapPlace(ctx, campaign, day, conv.revenueCents);
    if (!gate.ok) {
      const what = gate.reason === 'cap_reached' ? 'conversion cap is reached' : 'budget is exhausted';
      throw conflict(`The campaign’s ${what}`, { reason: gate.reason });
    }
    capHeld = true;
    capDay = day;
    taken = day;
  } else if (!countsTowardCaps(to)) {
    capHeld = false;
  }

  const now = new Date();
  const reason = to === 'rejected' ? (opts.reason ?? 'advertiser_rejected') : null;
  const decision = byAdmin && opts.by ? { adminDecision: { by: opts.by, at: now, status: to, note: opts.note ?? '' } } : {};
  const updated = (await ctx.models.Conversion.findOneAndUpdate(
    // Not admin: only while no admin has decided, so an admin review landing meanwhile is not overturned.
    { _id: id, status: from, payoutId: null, capHeld: conv.capHeld, ...(byAdmin ? {} : { adminDecision: null }) },
    {
      $set: { status: to, reason, capHeld, capDay, approvedAt: to === 'approved' ? now : null, ...statusFields(to, conv.revenueCents, conv.payoutCents), ...decision },
      $push: { history: { at: now, by: opts.by, from, to, reason, note: opts.note ?? '', noteShared: opts.noteShared === true } },
    },
    { returnDocument: 'after' },
  ).lean()) as ConversionDoc | null;
  if (!updated) {
    if (taken) await releaseCapPlace(ctx, conv.campaignId, taken, conv.revenueCents);
    const latest = (await ctx.models.Conversion.findById(id).lean()) as ConversionDoc | null;
    if (latest && adminDecisionBlocks(latest.adminDecision, byAdmin)) await refuseOverAdmin(ctx, latest, to, opts);
    throw conflict('The conversion changed meanwhile; reload and retry');
  }
  // The conversions list's status counters move with the change this call made (and only this one).
  await countConversionTransition(ctx, updated, from, to, updated.history.length);
  // A crash between the update above and this release keeps the place taken: caps err on the safe side.
  if (conv.capHeld && !capHeld && conv.capDay) await releaseCapPlace(ctx, conv.campaignId, conv.capDay, conv.revenueCents);
  try {
    // Effects that fail (Redis down) are recorded and applied again by the worker: the outbound postback is not skipped.
    await applyOrRecordEffects(ctx, updated, from, to, updated.history.length);
  } catch (err) {
    // Not even recorded (MongoDB failed too). The hour was marked before the change, so the rollups still see it.
    ctx.log.error({ err, conversionId: id, from, to }, 'conversion status changed but its follow-up effects failed and could not be recorded');
  }
  return updated;
}
