import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import type { ConversionDoc } from '../db/models/conversion';
import type { PostbackDoc, PostbackState } from '../db/models/postback';
import { findClick, type ClickDoc } from '../db/raw-events';
import { attribute, initialStatus, type ConversionStatus, type RejectReason } from '../domain/attribution';
import { clickIdTime, isClickId } from '../domain/click-id';
import { statusFields } from '../domain/conversion-money';
import { ApiError } from '../domain/errors';
import { formatDecimal, parseDecimalAmount } from '../domain/money';
import { conversionValue } from '../domain/payout-models';
import { dayKey, hourStart } from '../domain/time-buckets';
import { indexNewConversion } from './conversion-indexes';
import { campaignForToken } from './campaign-by-token';
import { capPlaceAvailable, releaseCapPlace, takeCapPlace } from './cap-gate';
import { findConversionByKey, recordConversionKeys, type ConversionLookup } from './conversion-keys';
import { postbackDocFor, type PostbackJobData } from './postback-job';
import { applyOrRecordEffects, recordFailedEffects } from './effects-retry';
import { changeConversionStatus } from './status-change';
import { TEST_CLICK_REASON } from './test-postback';
import { applyTransitionEffects } from './transition-effects';

/**
 * The conversion worker's work for one postback. Every step is safe to run
 * again after a crash or a retry, and concurrent runs of the same postback
 * produce one conversion counted once:
 *   1. the postback is read; a resolved one is left alone (its document is written with its outcome);
 *   2. token → campaign; 3. click (waiting while it may still be in the click queue);
 *   4. an existing conversion with the transaction id (or click) → status change or duplicate;
 *   5. attribution and value; 6. the conversion is inserted as `processing` with
 *      _id = postback id, the unique indexes rejecting duplicates;
 *   7. caps/budget gate; 8. conditional finalize — only the run that made the
 *      transition applies its effects (live counters, rollup marks, outbound postback).
 */
export type PostbackOutcome =
  | { kind: 'resolved'; state: PostbackState; reason: string | null; conversionId: string | null }
  | { kind: 'wait'; untilMs: number };

/** Clicks whose id claims a time this far ahead of our clock are forged or from a broken clock. */
const MAX_CLOCK_SKEW_MS = 60_000;
const MAX_WAIT_STEP_MS = 30_000;

/** An error the worker should retry later (BullMQ backoff) rather than record. */
export class RetryLater extends Error {}

interface Resolution {
  state: Exclude<PostbackState, 'queued'>;
  reason?: string | null;
  detail?: string | null;
  conversionId?: string | null;
}

/** Postbacks known only from their job so far: their document is written once, with the outcome. */
const unsaved = new WeakSet<PostbackDoc>();

const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === 11000;

async function resolve(ctx: AppContext, pb: PostbackDoc, r: Resolution): Promise<PostbackOutcome> {
  const $set = {
    state: r.state,
    reason: r.reason ?? null,
    detail: r.detail ?? null,
    conversionId: r.conversionId ?? null,
    campaignId: pb.campaignId ?? null,
    advertiserId: pb.advertiserId ?? null,
    resolvedAt: new Date(),
  };
  let written = false;
  if (unsaved.has(pb)) {
    try {
      await ctx.models.Postback.create({ ...pb, ...$set });
      written = true;
    } catch (err) {
      // Stored meanwhile (a concurrent run, or the spool): fall through to the conditional update.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (!written) await ctx.models.Postback.updateOne({ _id: pb._id, state: 'queued' }, { $set });
  return { kind: 'resolved', state: $set.state, reason: $set.reason, conversionId: $set.conversionId };
}

const reject = (ctx: AppContext, pb: PostbackDoc, reason: RejectReason, detail: string, conversionId: string | null = null) =>
  resolve(ctx, pb, { state: 'rejected', reason, detail, conversionId });

const noteFor = (pb: PostbackDoc) => `postback ${pb._id}`;

/**
 * The postback as stored, or as carried by the job when it has no document
 * yet. Writing it only with its outcome saves a write per postback (the
 * SQLite-backed server commits one write at a time); until then the job in
 * Redis is its durable record.
 */
async function loadPostback(ctx: AppContext, job: PostbackJobData): Promise<PostbackDoc> {
  const stored = (await ctx.models.Postback.findById(job.id).lean()) as PostbackDoc | null;
  if (stored) return stored;
  const pb = postbackDocFor(job);
  unsaved.add(pb);
  return pb;
}

/** Stores a postback that has to wait, so its advertiser sees it as queued meanwhile. */
async function storeWaiting(ctx: AppContext, pb: PostbackDoc): Promise<void> {
  if (unsaved.has(pb)) {
    try {
      await ctx.models.Postback.create(pb);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  await ctx.models.Postback.updateOne({ _id: pb._id, state: 'queued', campaignId: null }, { $set: { campaignId: pb.campaignId, advertiserId: pb.advertiserId } });
}

function lookupFor(campaign: CampaignDoc, clickId: string, txnId: string | undefined): ConversionLookup | null {
  if (txnId !== undefined) return { campaignId: campaign._id, txnId };
  if (campaign.oneConversionPerClick) return { clickKey: clickId };
  return null;
}

/** Step 4: the postback names a conversion that exists already. */
async function handleExisting(ctx: AppContext, pb: PostbackDoc, existing: ConversionDoc, requested: ConversionStatus | null): Promise<PostbackOutcome> {
  const what = existing.txnId === pb.params.txn_id ? 'a conversion with this txn_id exists already' : 'the click already has a conversion';
  if (existing.history.some((h) => h.note === noteFor(pb))) {
    // This postback changed it in an earlier attempt that stopped before recording the outcome.
    return resolve(ctx, pb, { state: 'status_updated', conversionId: existing._id, detail: `now ${existing.status}` });
  }
  if (requested === null || requested === existing.status) return reject(ctx, pb, 'duplicate', what, existing._id);
  if (existing.status === 'processing') throw new RetryLater(`conversion ${existing._id} is still being processed`);
  try {
    const updated = await changeConversionStatus(ctx, existing._id, requested, {
      by: null,
      note: noteFor(pb),
      reason: requested === 'rejected' ? 'advertiser_rejected' : null,
    });
    return resolve(ctx, pb, { state: 'status_updated', conversionId: updated._id, detail: `${existing.status} → ${updated.status}` });
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'conflict') throw err;
    const capReason = (err.details as { reason?: unknown } | undefined)?.reason;
    if (capReason === 'cap_reached' || capReason === 'budget_exhausted' || capReason === 'admin_decided') return reject(ctx, pb, capReason, err.message, existing._id);
    return reject(ctx, pb, 'duplicate', `${what}; its status cannot change: ${err.message}`, existing._id);
  }
}

export async function processPostback(ctx: AppContext, job: PostbackJobData): Promise<PostbackOutcome> {
  // 1. The postback; one that is resolved already is left alone.
  const pb = await loadPostback(ctx, job);
  if (pb.state !== 'queued') return { kind: 'resolved', state: pb.state, reason: pb.reason, conversionId: pb.conversionId };
  const params = pb.params;
  const receivedAt = pb.receivedAt.getTime();
  const requested = (params.status as ConversionStatus | undefined) ?? null;

  // 2. Token → campaign.
  const campaign = params.token ? await campaignForToken(ctx, params.token, receivedAt) : null;
  if (!campaign) return reject(ctx, pb, 'bad_token', params.token ? 'no campaign has this postback token' : 'the token parameter is missing');
  pb.campaignId = campaign._id;
  pb.advertiserId = campaign.advertiserId;

  // 3. The click.
  const clickId = params.click_id ?? '';
  if (!isClickId(clickId)) return reject(ctx, pb, 'unknown_click', 'click_id is not an Offerly click id');
  const click = await findClick(ctx.db, clickId);
  if (!click) {
    const clickedAt = clickIdTime(clickId)!;
    const now = Date.now();
    const waitUntil = clickedAt + ctx.config.POSTBACK_CLICK_WAIT_SECONDS * 1000;
    if (clickedAt <= now + MAX_CLOCK_SKEW_MS && now < waitUntil) {
      // The click may still be in the click queue: look again later, sooner while it is young.
      const step = Math.min(Math.max(1000, (now - receivedAt) / 2), MAX_WAIT_STEP_MS);
      await storeWaiting(ctx, pb);
      return { kind: 'wait', untilMs: Math.min(now + step, waitUntil) };
    }
    return reject(ctx, pb, 'unknown_click', 'no click with this id');
  }
  if (click.campaignId !== campaign._id) return reject(ctx, pb, 'unknown_click', 'the click belongs to another campaign');
  const test = pb.test || click.reason === TEST_CLICK_REASON;

  // 4. An existing conversion for this transaction (or click).
  const lookup = test ? null : lookupFor(campaign, click._id, params.txn_id);
  if (lookup) {
    const existing = await findConversionByKey(ctx, lookup);
    if (existing && existing._id !== pb._id) return handleExisting(ctx, pb, existing, requested);
  }

  let conv = (await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null;
  if (!conv) {
    // 5. Attribution and value.
    const affiliate = await ctx.models.User.findById(click.affiliateId, { status: 1 }).lean();
    const att = attribute({
      click: { ts: click.ts.getTime(), campaignId: click.campaignId, valid: click.valid === 1 },
      campaign: { id: campaign._id, status: campaign.status, currency: campaign.currency, attributionWindowDays: campaign.attributionWindowDays, minClickToConversionSeconds: campaign.minClickToConversionSeconds },
      affiliateStatus: affiliate?.status ?? null,
      convertedAt: receivedAt,
      currency: params.currency ?? null,
    });
    if (!att.ok) return reject(ctx, pb, att.reason, rejectDetail(att.reason, campaign, click, params.currency));
    let saleAmountCents: number | null = null;
    if (params.amount !== undefined) {
      saleAmountCents = parseDecimalAmount(params.amount, campaign.currency);
      if (saleAmountCents === null) return reject(ctx, pb, 'invalid_request', 'amount is too large');
    }
    const override = campaign.overrides.find((o) => o.affiliateId === click.affiliateId) ?? null;
    const value = conversionValue(
      { model: campaign.payoutModel, revenueCents: campaign.revenueCents, payoutCents: campaign.payoutCents, revenueBps: campaign.revenueBps, payoutBps: campaign.payoutBps },
      override,
      saleAmountCents,
    );
    if (!value.ok) return reject(ctx, pb, 'amount_required', `${campaign.payoutModel} campaigns need the sale amount`);

    if (test) {
      // Test clicks never create money: report what would have happened and stop.
      const status = initialStatus({ approvalMode: campaign.approvalMode, suspectedFraud: att.suspectedFraud, requested });
      if (status !== 'rejected') {
        const gate = await capPlaceAvailable(ctx, campaign, dayKey(receivedAt), value.revenueCents);
        if (!gate.ok) return reject(ctx, pb, gate.reason, 'test postback: the campaign would refuse this conversion now');
      }
      const money = `revenue ${formatDecimal(value.revenueCents, campaign.currency)} ${campaign.currency}, payout ${formatDecimal(value.payoutCents, campaign.currency)} ${campaign.currency}`;
      return resolve(ctx, pb, { state: 'attributed', detail: `test postback: would be ${status}${att.suspectedFraud ? ' (suspected fraud)' : ''}; ${money}; nothing recorded` });
    }

    // 6. The conversion, held in `processing` until the gate has spoken.
    const txnId = params.txn_id ?? `auto-${pb._id}`;
    const doc = {
      _id: pb._id,
      clickId: click._id,
      linkId: click.linkId,
      campaignId: campaign._id,
      affiliateId: click.affiliateId,
      advertiserId: campaign.advertiserId,
      txnId,
      clickKey: campaign.oneConversionPerClick ? click._id : `${click._id}|${txnId}`,
      status: 'processing' as const,
      reason: null,
      suspectedFraud: att.suspectedFraud,
      approved: 0 as const,
      pending: 0 as const,
      rejected: 0 as const,
      currency: campaign.currency,
      saleAmountCents,
      revenueCents: value.revenueCents,
      payoutCents: value.payoutCents,
      capHeld: false,
      capDay: null,
      clickedAt: click.ts,
      convertedAt: new Date(receivedAt),
      hour: new Date(hourStart(receivedAt)),
      approvedAt: null,
      sub1: click.sub1,
      sub2: click.sub2,
      sub3: click.sub3,
      sub4: click.sub4,
      sub5: click.sub5,
      payoutId: null,
      history: [],
    };
    try {
      await indexNewConversion(ctx, doc);
      conv = (await ctx.models.Conversion.create(doc)).toObject() as ConversionDoc;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      conv = (await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null;
      if (!conv) {
        // Another postback holds this transaction id or click; its keys may not be written yet.
        const other =
          (params.txn_id !== undefined ? await findConversionByKey(ctx, { campaignId: campaign._id, txnId }, { scan: true }) : null) ??
          (await findConversionByKey(ctx, { clickKey: doc.clickKey }, { scan: true }));
        if (other) return handleExisting(ctx, pb, other, requested);
        throw new RetryLater('duplicate key without a conflicting conversion', { cause: err });
      }
    }
  }

  if (conv.status === 'processing') {
    // Lookup keys first (again, on a retry after a crash): later postbacks find it by _id.
    const lookups: ConversionLookup[] = [];
    if (params.txn_id !== undefined) lookups.push({ campaignId: campaign._id, txnId: conv.txnId });
    if (conv.clickKey === conv.clickId) lookups.push({ clickKey: conv.clickKey });
    await recordConversionKeys(ctx, conv._id, lookups);

    // 7. Caps and budget. A crash between the gate and the finalize below makes the
    // retry take a second place: the campaign may hold one place too many, never too few.
    let status = initialStatus({ approvalMode: campaign.approvalMode, suspectedFraud: conv.suspectedFraud, requested });
    let reason: string | null = status === 'rejected' ? 'advertiser_rejected' : null;
    let capHeld = conv.capHeld;
    let capDay = conv.capDay;
    let taken: string | null = null;
    if (status !== 'rejected' && !conv.capHeld) {
      const day = dayKey(conv.convertedAt.getTime());
      const gate = await takeCapPlace(ctx, campaign, day, conv.revenueCents);
      if (gate.ok) {
        capHeld = true;
        capDay = day;
        taken = day;
      } else {
        status = 'rejected';
        reason = gate.reason;
      }
    }
    // 8. Finalize: only the run that moves it out of `processing` applies the effects.
    const now = new Date();
    const updated = (await ctx.models.Conversion.findOneAndUpdate(
      { _id: conv._id, status: 'processing' },
      {
        $set: { status, reason, capHeld, capDay, approvedAt: status === 'approved' ? now : null, ...statusFields(status, conv.revenueCents, conv.payoutCents) },
        $push: { history: { at: now, by: null, from: null, to: status, reason, note: noteFor(pb) } },
      },
      { returnDocument: 'after' },
    ).lean()) as ConversionDoc | null;
    if (updated) {
      await applyTransitionEffects(ctx, updated, null, status, 1);
      conv = updated;
    } else {
      // A concurrent run of the same postback finalized it first and applies the effects.
      if (taken) await releaseCapPlace(ctx, campaign._id, taken, conv.revenueCents);
      conv = (await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null;
      if (!conv) throw new Error(`conversion ${pb._id} vanished`);
    }
  } else {
    // An earlier attempt finalized it and stopped before recording the outcome: make sure
    // the creation's effects happened (they are idempotent).
    const created = conv.history[0];
    if (created) await applyTransitionEffects(ctx, conv, null, created.to as ConversionStatus, 1);
  }

  return resolveCreated(ctx, pb, conv);
}

/** The outcome of a postback that created its conversion (finalized): attributed, or rejected by the caps. */
function resolveCreated(ctx: AppContext, pb: PostbackDoc, conv: ConversionDoc): Promise<PostbackOutcome> {
  const created = conv.history[0];
  if (created && (created.reason === 'cap_reached' || created.reason === 'budget_exhausted')) {
    return reject(ctx, pb, created.reason, created.reason === 'cap_reached' ? 'the campaign’s conversion cap is reached' : 'the campaign’s budget is exhausted', conv._id);
  }
  return resolve(ctx, pb, { state: 'attributed', conversionId: conv._id, detail: created ? `conversion ${created.to}${conv.suspectedFraud ? ' (suspected fraud: held for review)' : ''}` : null });
}

export const PROCESSING_FAILED = 'processing_failed';

/**
 * A postback whose job failed for good (its attempts exhausted, or it
 * stalled too often) is resolved all the same, once, whichever run gets here:
 *   - a conversion it left in `processing` is rejected (`processing_failed`),
 *     so postbacks waiting on it (handleExisting) go on, and the postback is
 *     rejected `processing_failed` with the error as detail;
 *   - a conversion it had finalized stands: the postback gets that outcome,
 *     and the creation's effects, which may be what kept failing, are
 *     recorded for the worker's effects sweep;
 *   - otherwise the postback is rejected `processing_failed`.
 * A cap place taken by an attempt that died before finalizing stays taken
 * (caps err on the safe side, as after any crash at that point).
 */
export async function resolveFailedPostback(ctx: AppContext, job: PostbackJobData, error: string): Promise<PostbackOutcome> {
  const pb = await loadPostback(ctx, job);
  if (pb.state !== 'queued') return { kind: 'resolved', state: pb.state, reason: pb.reason, conversionId: pb.conversionId };
  let conv = (await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null;
  if (conv?.status === 'processing') {
    const now = new Date();
    const updated = (await ctx.models.Conversion.findOneAndUpdate(
      { _id: conv._id, status: 'processing' },
      {
        $set: { status: 'rejected', reason: PROCESSING_FAILED, capHeld: false, capDay: null, approvedAt: null, ...statusFields('rejected', conv.revenueCents, conv.payoutCents) },
        $push: { history: { at: now, by: null, from: null, to: 'rejected', reason: PROCESSING_FAILED, note: noteFor(pb) } },
      },
      { returnDocument: 'after' },
    ).lean()) as ConversionDoc | null;
    if (updated) await applyOrRecordEffects(ctx, updated, null, 'rejected', 1);
    conv = updated ?? ((await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null);
  }
  if (conv) {
    pb.campaignId ??= conv.campaignId;
    pb.advertiserId ??= conv.advertiserId;
  } else if (pb.campaignId === null && pb.params.token) {
    // Tie it to its campaign if the token still tells which, so its advertiser sees it.
    const campaign = await campaignForToken(ctx, pb.params.token, pb.receivedAt.getTime()).catch(() => null);
    pb.campaignId = campaign?._id ?? null;
    pb.advertiserId = campaign?.advertiserId ?? null;
  }
  const created = conv?.history[0];
  if (conv && created && created.reason !== PROCESSING_FAILED && conv.status !== 'processing') {
    await recordFailedEffects(ctx, conv._id, null, created.to as ConversionStatus, 1, error);
    return resolveCreated(ctx, pb, conv);
  }
  return resolve(ctx, pb, { state: 'rejected', reason: PROCESSING_FAILED, detail: `processing failed for good: ${error}`.slice(0, 1000), conversionId: conv?._id ?? null });
}

function rejectDetail(reason: RejectReason, campaign: CampaignDoc, click: ClickDoc, currency: string | undefined): string {
  switch (reason) {
    case 'campaign_inactive':
      return `the campaign is ${campaign.status}`;
    case 'invalid_click':
      return `the click was invalid${click.reason ? ` (${click.reason})` : ''}`;
    case 'affiliate_inactive':
      return 'the affiliate is not active';
    case 'expired':
      return `the click is older than the ${campaign.attributionWindowDays}-day attribution window`;
    case 'currency_mismatch':
      return `currency ${currency ?? ''} differs from the campaign’s ${campaign.currency}`;
    default:
      return reason;
  }
}
