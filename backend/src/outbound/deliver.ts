import { fillUrlMacros, type Delivery, type MacroValues } from '@offerly/contract';
import type { AppContext } from '../context';
import { newId } from '../db/ids';
import type { ConversionDoc } from '../db/models/conversion';
import type { DeliveryDoc } from '../db/models/delivery';
import type { UserDoc } from '../db/models/user';
import { formatDecimal } from '../domain/money';
import { countStoredDeliveries, listDelivery } from './delivery-list';
import { callSigned, type CallResult } from './signed-call';

export function conversionMacros(
  conv: Pick<ConversionDoc, '_id' | 'clickId' | 'campaignId' | 'affiliateId' | 'txnId' | 'payoutCents' | 'currency' | 'status' | 'sub1' | 'sub2' | 'sub3' | 'sub4' | 'sub5'>,
  deliveryId: string | null = null,
): MacroValues {
  return {
    click_id: conv.clickId,
    conversion_id: conv._id,
    campaign_id: conv.campaignId,
    aff_id: conv.affiliateId,
    txn_id: conv.txnId,
    payout: formatDecimal(conv.payoutCents, conv.currency),
    payout_cents: conv.payoutCents,
    currency: conv.currency,
    status: conv.status,
    sub1: conv.sub1,
    sub2: conv.sub2,
    sub3: conv.sub3,
    sub4: conv.sub4,
    sub5: conv.sub5,
    delivery_id: deliveryId,
  };
}

/** Sample values for the "test call" button. */
export function testMacros(affiliateId: string): MacroValues {
  return {
    click_id: 'test-click', conversion_id: 'test-conversion', campaign_id: 'test-campaign', aff_id: affiliateId, txn_id: 'test-txn',
    payout: '1.00', payout_cents: 100, currency: 'USD', status: 'approved', sub1: 'test', sub2: null, sub3: null, sub4: null, sub5: null, delivery_id: 'test-delivery',
  };
}

/** The URL a template becomes, normalized the way it is called and signed. */
export function filledUrl(template: string, values: MacroValues): string {
  const filled = fillUrlMacros(template, values);
  try {
    return new URL(filled).href;
  } catch {
    return filled;
  }
}

async function logAttempt(ctx: AppContext, d: Omit<DeliveryDoc, '_id' | 'at'>, res: CallResult): Promise<DeliveryDoc> {
  const doc: DeliveryDoc = { ...d, _id: newId(), outcome: res.outcome, httpStatus: res.httpStatus, error: res.error, durationMs: res.durationMs, at: new Date() };
  // Listed before it is stored (a crash between leaves an entry the log skips), counted once stored.
  await listDelivery(ctx.db, doc);
  await ctx.models.Delivery.create(doc);
  await countStoredDeliveries(ctx.db, [doc]);
  return doc;
}

export type ConversionDeliveryResult = { kind: 'skipped'; why: string } | { kind: 'attempted'; delivery: DeliveryDoc };

/**
 * One attempt to tell an affiliate about a conversion, with the conversion's
 * status and payout as they are now. Affiliates without an enabled postback
 * URL are skipped (not an error). Every attempt is logged. `deliveryId` names
 * the announcement (one status transition) and is the same on every attempt
 * of it: a worker killed after the call and before recording it calls again
 * with the same key (`X-Offerly-Delivery-Id`, `{delivery_id}`), so the
 * receiver can tell a repeat from a new announcement.
 */
export async function deliverConversion(ctx: AppContext, conversionId: string, attempt: number, deliveryId: string | null = null): Promise<ConversionDeliveryResult> {
  const conv = (await ctx.models.Conversion.findById(conversionId).lean()) as ConversionDoc | null;
  if (!conv) return { kind: 'skipped', why: 'conversion not found' };
  if (conv.status === 'processing') throw new Error(`conversion ${conversionId} is still being processed`);
  const aff = (await ctx.models.User.findById(conv.affiliateId, { postbackUrl: 1, postbackEnabled: 1, postbackSecret: 1 }).lean()) as Pick<UserDoc, 'postbackUrl' | 'postbackEnabled' | 'postbackSecret'> | null;
  if (!aff?.postbackEnabled || !aff.postbackUrl || !aff.postbackSecret) return { kind: 'skipped', why: 'no outbound postback set up' };
  const url = filledUrl(aff.postbackUrl, conversionMacros(conv, deliveryId));
  const res = await callSigned(url, { secret: aff.postbackSecret, timeoutMs: ctx.config.OUTBOUND_TIMEOUT_MS, allowPrivate: ctx.config.OUTBOUND_ALLOW_PRIVATE, ...(deliveryId ? { deliveryId } : {}) });
  const delivery = await logAttempt(ctx, { affiliateId: conv.affiliateId, conversionId, event: `conversion.${conv.status}`, url, attempt, test: false, outcome: res.outcome, httpStatus: null, error: null, durationMs: null }, res);
  return { kind: 'attempted', delivery };
}

/** The "test call" button: one call now with sample values, logged as a test. */
export async function deliverTest(ctx: AppContext, affiliateId: string, template: string, secret: string): Promise<DeliveryDoc> {
  const url = filledUrl(template, testMacros(affiliateId));
  const res = await callSigned(url, { secret, timeoutMs: ctx.config.OUTBOUND_TIMEOUT_MS, allowPrivate: ctx.config.OUTBOUND_ALLOW_PRIVATE, deliveryId: 'test-delivery' });
  return logAttempt(ctx, { affiliateId, conversionId: null, event: 'test', url, attempt: 1, test: true, outcome: res.outcome, httpStatus: null, error: null, durationMs: null }, res);
}

export function deliveryView(d: DeliveryDoc): Delivery {
  return {
    id: d._id,
    conversionId: d.conversionId,
    event: d.event,
    url: d.url,
    attempt: d.attempt,
    outcome: d.outcome,
    httpStatus: d.httpStatus,
    error: d.error,
    durationMs: d.durationMs,
    test: d.test,
    at: d.at.toISOString(),
  };
}
