import type { AppContext } from '../context';
import { UNKNOWN, UNKNOWN_COUNTRY } from '../domain/click-classify';
import type { CampaignDoc } from '../db/models/campaign';
import type { ConversionDoc } from '../db/models/conversion';
import type { PostbackDoc, PostbackState } from '../db/models/postback';
import { isDuplicateKey } from '../db/duplicate-key';
import { insertNew } from '../db/insert-new';
import { findClick, type ClickDoc } from '../db/raw-events';
import { attribute, initialStatus, type ConversionStatus, type RejectReason } from '../domain/attribution';
import { clickIdTime, isClickId } from '../domain/click-id';
import { statusFields } from '../domain/conversion-money';
import { formatDecimal, parseDecimalAmount } from '../domain/money';
import { conversionValue } from '../domain/payout-models';
import { dayKey, hourStart } from '../domain/time-buckets';
import { indexNewConversion } from './conversion-indexes';
import type { CreatedConversion } from './conversion-list';
import { campaignForToken } from './campaign-by-token';
import { capPlaceAvailable, releaseCapPlace, takeCapPlace } from './cap-gate';
import { claimConversionKeys, findConversionByKey, recordConversionKeys, repointConversionKey, type ConversionLookup } from './conversion-keys';
import { postbackDocFor, type PostbackJobData } from './postback-job';
import { applyOrRecordEffects, recordFailedEffects } from './effects-retry';
import { GroupCommit, perContext, sharedReads } from '../db/group-commit';
import { tryChangeConversionStatus } from './status-change';
import { TEST_CLICK_REASON } from './test-postback';
import { applyTransitionEffects } from './transition-effects';

/**
 * The conversion worker's work for one postback. Every step is safe to run
 * again after a crash or a retry, and concurrent runs of the same postback
 * produce one conversion counted once. Every read and write is addressed by
 * `_id` (the only lookup the embedded server answers from an index), and the
 * writes of postbacks in flight together go as one command per collection:
 *   1. the postback is read (not on its job's first run); a resolved one is left alone
 *      (its document is written with its outcome);
 *   2. token → campaign; 3. click (waiting while it may still be in the click queue);
 *   4. a conversion an earlier run stored (not on a first run) is finished;
 *   5. attribution and value; a refused postback that names an existing
 *      conversion updates its status instead;
 *   6. the conversion's keys (transaction, click) are claimed by inserting
 *      them: a key held already names the existing conversion → status
 *      change or duplicate;
 *   7. caps/budget gate; 8. the conversion is inserted with its final status
 *      (_id = postback id, the unique indexes rejecting duplicates), and the
 *      run whose insert landed applies its effects (live counters, rollup
 *      marks, outbound postback).
 */
export type PostbackOutcome =
  | { kind: 'resolved'; state: PostbackState; reason: string | null; conversionId: string | null; created?: CreatedConversion }
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

/** Outcomes of postbacks resolved together are inserted together; per document, whether it was stored. */
const postbackInserts = perContext(
  (ctx: AppContext) =>
    new GroupCommit<PostbackDoc, boolean>(async (docs) => {
      const { existing } = await insertNew(ctx.db.collection<PostbackDoc>(ctx.models.Postback.collection.collectionName), docs);
      const dup = new Set(existing);
      return docs.map((_, i) => !dup.has(i));
    }, 100),
);

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
  // A postback resolved against a conversion it did not create (status update, refused duplicate) is named on it
  // first, so the conversion's detail finds it by `_id`; a crash before the outcome is written retries both.
  if ($set.conversionId && $set.conversionId !== pb._id) await ctx.models.Conversion.updateOne({ _id: $set.conversionId }, { $addToSet: { postbackIds: pb._id } });
  // Not stored if it was meanwhile (a concurrent run, or the spool): then the conditional update.
  const written = unsaved.has(pb) && (await postbackInserts(ctx).add({ ...pb, ...$set }));
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
  return stored ?? unsavedPostback(job);
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

/** The keys the new conversion will hold, so later postbacks for its transaction (or click) find it. */
function lookupsFor(campaign: CampaignDoc, clickId: string, txnId: string | undefined): ConversionLookup[] {
  const out: ConversionLookup[] = [];
  if (txnId !== undefined) out.push({ campaignId: campaign._id, txnId });
  if (campaign.oneConversionPerClick) out.push({ clickKey: clickId });
  return out;
}

/** The postback names a conversion that exists already: a status update, or a duplicate. */
async function handleExisting(ctx: AppContext, pb: PostbackDoc, existing: ConversionDoc, requested: ConversionStatus | null): Promise<PostbackOutcome> {
  const what = existing.txnId === pb.params.txn_id ? 'a conversion with this txn_id exists already' : 'the click already has a conversion';
  if (existing.history.some((h) => h.note === noteFor(pb))) {
    // This postback changed it in an earlier attempt that stopped before recording the outcome.
    return resolve(ctx, pb, { state: 'status_updated', conversionId: existing._id, detail: `now ${existing.status}` });
  }
  if (requested === null || requested === existing.status) return reject(ctx, pb, 'duplicate', what, existing._id);
  if (existing.status === 'processing') throw new RetryLater(`conversion ${existing._id} is still being processed`);
  const result = await tryChangeConversionStatus(ctx, existing._id, requested, {
    by: null,
    note: noteFor(pb),
    reason: requested === 'rejected' ? 'advertiser_rejected' : null,
  });
  if (result.ok) return resolve(ctx, pb, { state: 'status_updated', conversionId: result.conversion._id, detail: `${existing.status} → ${result.conversion.status}` });
  const { refusal } = result;
  if (refusal.kind === 'not_found') throw new Error(`conversion ${existing._id} vanished`);
  const reason = refusal.details?.reason;
  if (reason) return reject(ctx, pb, reason, refusal.message, existing._id);
  return reject(ctx, pb, 'duplicate', `${what}; its status cannot change: ${refusal.message}`, existing._id);
}

export interface ProcessOptions {
  /**
   * The worker knows this is the postback's first run (its job never started
   * before and was not replayed from the spool): nothing of it can be stored
   * yet, so the reads that look for an earlier attempt's work are skipped.
   */
  firstRun?: boolean;
  /** The campaign the postback's token opens, when the caller has looked it up already (it is read fresh per job). */
  campaign?: CampaignDoc | null;
}

/** The affiliate's status, read once for the postbacks in flight at the same moment. */
const affiliateStatus = sharedReads(async (ctx: AppContext, id: string) => {
  const u = await ctx.models.User.findById(id, { status: 1 }).lean();
  return u?.status ?? null;
});

interface Valued {
  suspectedFraud: boolean;
  saleAmountCents: number | null;
  revenueCents: number;
  payoutCents: number;
}
type Valuation = { ok: true; v: Valued } | { ok: false; reason: RejectReason; detail: string };

/** Step 5: attribution and value. */
async function valueConversion(ctx: AppContext, pb: PostbackDoc, campaign: CampaignDoc, click: ClickDoc): Promise<Valuation> {
  const params = pb.params;
  const att = attribute({
    click: { ts: click.ts.getTime(), campaignId: click.campaignId, valid: click.valid === 1 },
    campaign: { id: campaign._id, status: campaign.status, currency: campaign.currency, attributionWindowDays: campaign.attributionWindowDays, minClickToConversionSeconds: campaign.minClickToConversionSeconds },
    affiliateStatus: await affiliateStatus(ctx, click.affiliateId),
    convertedAt: pb.receivedAt.getTime(),
    currency: params.currency ?? null,
  });
  if (!att.ok) return { ok: false, reason: att.reason, detail: rejectDetail(att.reason, campaign, click, params.currency) };
  let saleAmountCents: number | null = null;
  if (params.amount !== undefined) {
    saleAmountCents = parseDecimalAmount(params.amount, campaign.currency);
    if (saleAmountCents === null) return { ok: false, reason: 'invalid_request', detail: 'amount is too large' };
  }
  const override = campaign.overrides.find((o) => o.affiliateId === click.affiliateId) ?? null;
  const value = conversionValue(
    { model: campaign.payoutModel, revenueCents: campaign.revenueCents, payoutCents: campaign.payoutCents, revenueBps: campaign.revenueBps, payoutBps: campaign.payoutBps },
    override,
    saleAmountCents,
  );
  if (!value.ok) return { ok: false, reason: 'amount_required', detail: `${campaign.payoutModel} campaigns need the sale amount` };
  return { ok: true, v: { suspectedFraud: att.suspectedFraud, saleAmountCents, revenueCents: value.revenueCents, payoutCents: value.payoutCents } };
}

/** Test clicks never create money: report what would have happened and stop. */
async function resolveTest(ctx: AppContext, pb: PostbackDoc, campaign: CampaignDoc, v: Valued, requested: ConversionStatus | null): Promise<PostbackOutcome> {
  const status = initialStatus({ approvalMode: campaign.approvalMode, suspectedFraud: v.suspectedFraud, requested });
  if (status !== 'rejected') {
    const gate = await capPlaceAvailable(ctx, campaign, dayKey(pb.receivedAt.getTime()), v.revenueCents);
    if (!gate.ok) return reject(ctx, pb, gate.reason, 'test postback: the campaign would refuse this conversion now');
  }
  const money = `revenue ${formatDecimal(v.revenueCents, campaign.currency)} ${campaign.currency}, payout ${formatDecimal(v.payoutCents, campaign.currency)} ${campaign.currency}`;
  return resolve(ctx, pb, { state: 'attributed', detail: `test postback: would be ${status}${v.suspectedFraud ? ' (suspected fraud)' : ''}; ${money}; nothing recorded` });
}

/**
 * Step 6: claims the conversion's keys. Returns the conversion that holds one
 * already, or null once they are all this postback's. A key claimed by a
 * postback that has not stored its conversion yet makes this one wait
 * (retry); one whose postback ended without a conversion is taken over.
 */
async function claimKeys(ctx: AppContext, pb: PostbackDoc, lookups: ConversionLookup[]): Promise<ConversionDoc | null> {
  for (let i = 0; i < 3; i++) {
    const taken = await claimConversionKeys(ctx, pb._id, lookups);
    if (!taken) return null;
    const holder = (await ctx.models.Conversion.findById(taken.holder).lean()) as ConversionDoc | null;
    if (holder) return holder;
    const other = (await ctx.models.Postback.findById(taken.holder, { state: 1 }).lean()) as Pick<PostbackDoc, 'state'> | null;
    if (!other || other.state === 'queued') throw new RetryLater(`the conversion holding ${taken.key} is still being stored`);
    await repointConversionKey(ctx, taken.key, taken.holder, pb._id);
  }
  throw new RetryLater('conversion keys keep changing hands');
}

/** Conversions of many postbacks are inserted together; per document, whether it was stored (false: a unique key existed). */
const conversionInserts = perContext(
  (ctx: AppContext) =>
    new GroupCommit<ConversionDoc, boolean>(async (docs) => {
      const { existing } = await insertNew(ctx.db.collection<ConversionDoc>(ctx.models.Conversion.collection.collectionName), docs);
      const dup = new Set(existing);
      return docs.map((_, i) => !dup.has(i));
    }, 100),
);

/** The new conversion, complete as the model would store it, with its final status. */
function conversionDoc(pb: PostbackDoc, campaign: CampaignDoc, click: ClickDoc, v: Valued, gate: { status: ConversionStatus; reason: string | null; capDay: string | null }): ConversionDoc {
  const receivedAt = pb.receivedAt.getTime();
  const txnId = pb.params.txn_id ?? `auto-${pb._id}`;
  const now = new Date();
  return {
    _id: pb._id,
    clickId: click._id,
    linkId: click.linkId,
    campaignId: campaign._id,
    affiliateId: click.affiliateId,
    advertiserId: campaign.advertiserId,
    txnId,
    clickKey: campaign.oneConversionPerClick ? click._id : `${click._id}|${txnId}`,
    status: gate.status,
    reason: gate.reason,
    suspectedFraud: v.suspectedFraud,
    ...statusFields(gate.status, v.revenueCents, v.payoutCents),
    currency: campaign.currency,
    saleAmountCents: v.saleAmountCents,
    revenueCents: v.revenueCents,
    payoutCents: v.payoutCents,
    capHeld: gate.capDay !== null,
    capDay: gate.capDay,
    clickedAt: click.ts,
    convertedAt: new Date(receivedAt),
    hour: new Date(hourStart(receivedAt)),
    approvedAt: gate.status === 'approved' ? now : null,
    sub1: click.sub1,
    sub2: click.sub2,
    sub3: click.sub3,
    sub4: click.sub4,
    sub5: click.sub5,
    // The click's classification travels with its conversion, so breakdowns by country or device need no join.
    country: click.country ?? UNKNOWN_COUNTRY,
    device: click.device ?? UNKNOWN,
    os: click.os ?? UNKNOWN,
    browser: click.browser ?? UNKNOWN,
    payoutId: null,
    history: [{ at: now, by: null, from: null, to: gate.status, reason: gate.reason, note: noteFor(pb) }],
    adminDecision: null,
    refusedChanges: [],
    postbackIds: [pb._id],
    createdAt: now,
    updatedAt: now,
  };
}

/** Step 7: caps and budget decide the status the conversion is stored with. */
async function gateStatus(ctx: AppContext, pb: PostbackDoc, campaign: CampaignDoc, v: Valued, requested: ConversionStatus | null) {
  const status = initialStatus({ approvalMode: campaign.approvalMode, suspectedFraud: v.suspectedFraud, requested });
  if (status === 'rejected') return { status, reason: 'advertiser_rejected', capDay: null };
  const day = dayKey(pb.receivedAt.getTime());
  const gate = await takeCapPlace(ctx, campaign, day, v.revenueCents);
  if (!gate.ok) return { status: 'rejected' as const, reason: gate.reason, capDay: null };
  return { status, reason: null, capDay: day };
}

/**
 * Steps 6–8 for a new conversion: keys, gate, then the conversion stored
 * with its final status, so the run whose insert lands is the one that
 * applies its effects. A crash after the gate and before the insert keeps
 * a place taken, which the retry takes again: caps err on the safe side.
 */
async function storeNew(ctx: AppContext, pb: PostbackDoc, campaign: CampaignDoc, click: ClickDoc, v: Valued, lookups: ConversionLookup[], requested: ConversionStatus | null): Promise<PostbackOutcome> {
  const holder = await claimKeys(ctx, pb, lookups);
  if (holder && holder._id !== pb._id) return handleExisting(ctx, pb, holder, requested);
  const gate = await gateStatus(ctx, pb, campaign, v, requested);
  const conv = conversionDoc(pb, campaign, click, v, gate);
  await indexNewConversion(ctx, conv);
  if (await conversionInserts(ctx).add(conv)) {
    await applyTransitionEffects(ctx, conv, null, gate.status, 1);
    return resolveCreated(ctx, pb, conv);
  }
  if (gate.capDay) await releaseCapPlace(ctx, campaign._id, gate.capDay, conv.revenueCents);
  const mine = (await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null;
  // A concurrent run of this postback stored it first.
  if (mine) return finishStored(ctx, pb, campaign, mine, lookups, requested);
  // Another conversion holds the transaction or click without a key (stored before keys existed).
  const other =
    (pb.params.txn_id !== undefined ? await findConversionByKey(ctx, { campaignId: campaign._id, txnId: conv.txnId }, { scan: true }) : null) ??
    (await findConversionByKey(ctx, { clickKey: conv.clickKey }, { scan: true }));
  if (other) return handleExisting(ctx, pb, other, requested);
  throw new RetryLater('duplicate key without a conflicting conversion');
}

/**
 * A conversion an earlier run of this postback stored: one still in
 * `processing` (stored by a version that gated after the insert) is gated
 * and finalized; a final one gets its creation's effects again (they are
 * idempotent), in case that run stopped before them.
 */
async function finishStored(ctx: AppContext, pb: PostbackDoc, campaign: CampaignDoc, conv: ConversionDoc, lookups: ConversionLookup[], requested: ConversionStatus | null): Promise<PostbackOutcome> {
  if (conv.status === 'processing') return resolveCreated(ctx, pb, await finalizeProcessing(ctx, pb, campaign, conv, lookups, requested));
  const created = conv.history[0];
  if (created) await applyTransitionEffects(ctx, conv, null, created.to as ConversionStatus, 1);
  return resolveCreated(ctx, pb, conv);
}

async function finalizeProcessing(ctx: AppContext, pb: PostbackDoc, campaign: CampaignDoc, conv: ConversionDoc, lookups: ConversionLookup[], requested: ConversionStatus | null): Promise<ConversionDoc> {
  await recordConversionKeys(ctx, conv._id, lookups);
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
  // Only the run that moves it out of `processing` applies the effects.
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
    return updated;
  }
  // A concurrent run of the same postback finalized it first and applies the effects.
  if (taken) await releaseCapPlace(ctx, campaign._id, taken, conv.revenueCents);
  const latest = (await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null;
  if (!latest) throw new Error(`conversion ${pb._id} vanished`);
  return latest;
}

/** The postback as its job carries it, known to have no document yet (first run). */
function unsavedPostback(job: PostbackJobData): PostbackDoc {
  const pb = postbackDocFor(job);
  unsaved.add(pb);
  return pb;
}

export async function processPostback(ctx: AppContext, job: PostbackJobData, opts: ProcessOptions = {}): Promise<PostbackOutcome> {
  // 1. The postback; one that is resolved already is left alone.
  const pb = opts.firstRun ? unsavedPostback(job) : await loadPostback(ctx, job);
  if (pb.state !== 'queued') return { kind: 'resolved', state: pb.state, reason: pb.reason, conversionId: pb.conversionId };
  const params = pb.params;
  const receivedAt = pb.receivedAt.getTime();
  const requested = (params.status as ConversionStatus | undefined) ?? null;

  // 2. Token → campaign.
  const campaign = opts.campaign !== undefined ? opts.campaign : params.token ? await campaignForToken(ctx, params.token, receivedAt) : null;
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
  const lookups = test ? [] : lookupsFor(campaign, click._id, params.txn_id);

  // 4. The conversion an earlier run of this postback stored.
  if (!opts.firstRun && !test) {
    const conv = (await ctx.models.Conversion.findById(pb._id).lean()) as ConversionDoc | null;
    if (conv) return finishStored(ctx, pb, campaign, conv, lookups, requested);
  }

  // 5. Attribution and value.
  const valued = await valueConversion(ctx, pb, campaign, click);
  if (!valued.ok) {
    // A postback for an existing conversion changes its status: it is not attributed anew.
    const existing = lookups.length > 0 ? await findConversionByKey(ctx, lookups[0]!) : null;
    if (existing && existing._id !== pb._id) return handleExisting(ctx, pb, existing, requested);
    return reject(ctx, pb, valued.reason, valued.detail);
  }
  if (test) return resolveTest(ctx, pb, campaign, valued.v, requested);

  // 6–8. Keys, caps and budget, the conversion and its effects.
  return storeNew(ctx, pb, campaign, click, valued.v, lookups, requested);
}

/** The outcome of a postback that created its conversion (finalized): attributed, or rejected by the caps. */
async function resolveCreated(ctx: AppContext, pb: PostbackDoc, conv: ConversionDoc): Promise<PostbackOutcome> {
  const created = conv.history[0];
  const outcome =
    created && (created.reason === 'cap_reached' || created.reason === 'budget_exhausted')
      ? await reject(ctx, pb, created.reason, created.reason === 'cap_reached' ? 'the campaign’s conversion cap is reached' : 'the campaign’s budget is exhausted', conv._id)
      : await resolve(ctx, pb, { state: 'attributed', conversionId: conv._id, detail: created ? `conversion ${created.to}${conv.suspectedFraud ? ' (suspected fraud: held for review)' : ''}` : null });
  // The caller counts the conversion in the lists from it, with no read.
  return outcome.kind === 'resolved' ? { ...outcome, created: conv } : outcome;
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
