import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';
import { insertNew } from '../db/insert-new';
import type { ConversionStatus } from '../domain/attribution';
import { applyTransitionEffects } from './transition-effects';

/**
 * A status transition whose follow-up effects (dirty-hour mark, live
 * counters, the affiliate's outbound postback job) failed after the change
 * itself was stored, typically because Redis did not answer. Kept in a small
 * collection of its own, like the postback spool, so the worker's sweep never
 * scans the conversions; the sweep applies the effects again (each part is
 * idempotent per transition) and removes the record.
 */
export interface EffectsRetryDoc {
  _id: string; // `${conversionId}:${seq}`
  conversionId: string;
  from: ConversionStatus | null;
  to: ConversionStatus;
  seq: number;
  at: Date;
  error: string;
}

export const EFFECTS_RETRY = 'conversion_effects_retry';

const retries = (ctx: AppContext) => ctx.db.collection<EffectsRetryDoc>(EFFECTS_RETRY);

export async function recordFailedEffects(ctx: AppContext, conversionId: string, from: ConversionStatus | null, to: ConversionStatus, seq: number, err: unknown): Promise<void> {
  const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  await insertNew(retries(ctx), [{ _id: `${conversionId}:${seq}`, conversionId, from, to, seq, at: new Date(), error }]);
}

/**
 * Runs the effects of a transition; if they fail, records them for the sweep
 * instead of failing the caller, whose change is stored already. Throws only
 * if the record cannot be written either.
 */
export async function applyOrRecordEffects(
  ctx: AppContext,
  conv: Parameters<typeof applyTransitionEffects>[1],
  from: ConversionStatus | null,
  to: ConversionStatus,
  seq: number,
): Promise<void> {
  try {
    await applyTransitionEffects(ctx, conv, from, to, seq);
  } catch (err) {
    ctx.log.warn({ err, conversionId: conv._id, from, to, seq }, 'conversion follow-up effects failed; recorded for the worker to apply again');
    await recordFailedEffects(ctx, conv._id, from, to, seq, err);
  }
}

/** Applies the recorded effects again, oldest first; returns how many were applied. Throws on the first that fails again. */
export async function retryFailedEffects(ctx: AppContext, limit = 200): Promise<number> {
  const due = await retries(ctx).find({}).sort({ at: 1 }).limit(limit).toArray();
  let applied = 0;
  for (const r of due) {
    const conv = (await ctx.models.Conversion.findById(r.conversionId).lean()) as ConversionDoc | null;
    if (conv) {
      await applyTransitionEffects(ctx, conv, r.from, r.to, r.seq);
      applied++;
    }
    await retries(ctx).deleteOne({ _id: r._id });
  }
  return applied;
}
