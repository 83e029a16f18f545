import type { Emitter } from '@socket.io/redis-emitter';
import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';
import { markHoursDirty } from '../db/rollup-dirty';
import type { ConversionStatus } from '../domain/attribution';
import { liveConversionDelta } from '../domain/conversion-money';
import { dayStart } from '../domain/time-buckets';
import { enqueueConversionDelivery } from '../outbound/delivery-jobs';
import { createLiveEmitter, recordLiveOnce } from '../realtime/live-counters';
import { GroupCommit, perContext } from '../db/group-commit';
import { queueDueWorkOf } from './due-work';

const emitters = new WeakMap<AppContext, Emitter>();

function liveEmitter(ctx: AppContext): Emitter {
  let e = emitters.get(ctx);
  if (!e) emitters.set(ctx, (e = createLiveEmitter(ctx.redis, ctx.keys)));
  return e;
}

const LIVE_ONCE_TTL_S = 2 * 86_400;

/**
 * Hours marked by transitions made at the same time go in one write. At most
 * 90 marks a write keeps the bulk write under the server's 100-statement limit.
 */
const dirtyMarks = perContext(
  (ctx: AppContext) =>
    new GroupCommit<Date, true>(async (times) => {
      await markHoursDirty(ctx.db, times);
      return times.map(() => true as const);
    }, 90),
);

/**
 * What follows a conversion status transition: its hour is re-rolled, it
 * joins the job queue of its new status (payout, auto-approval), live
 * totals move, and the affiliate's outbound postback is enqueued. Only the
 * caller that made the transition runs this, and a retry after a crash may
 * run it again, so each part is idempotent: dirty marks are, and delivery
 * jobs and live counters are keyed by the transition (`seq` = its position in
 * the history; the live marker and the increments are set by one script).
 */
export async function applyTransitionEffects(
  ctx: AppContext,
  conv: Pick<ConversionDoc, '_id' | 'campaignId' | 'affiliateId' | 'currency' | 'convertedAt' | 'revenueCents' | 'payoutCents' | 'suspectedFraud' | 'payoutId'>,
  from: ConversionStatus | null,
  to: ConversionStatus,
  seq: number,
): Promise<void> {
  await dirtyMarks(ctx).add(conv.convertedAt);
  await queueDueWorkOf(ctx.db, { ...conv, status: to });
  const delta = liveConversionDelta(from, to, conv.revenueCents, conv.payoutCents);
  // Live counters cover today; changes to older conversions show up in the rollups only.
  if (delta.conversions !== 0 && conv.convertedAt.getTime() >= dayStart(Date.now())) {
    await recordLiveOnce({ redis: ctx.redis, keys: ctx.keys, emitter: liveEmitter(ctx) }, `${ctx.keys.prefix}:live-once:${conv._id}:${seq}`, LIVE_ONCE_TTL_S, [
      { at: conv.convertedAt.getTime(), campaignId: conv.campaignId, affiliateId: conv.affiliateId, currency: conv.currency, delta },
    ]);
  }
  await enqueueConversionDelivery(ctx, conv._id, seq);
}
