import type { ConversionDoc } from '../db/models/conversion';
import type { PostbackDoc } from '../db/models/postback';
import { maskToken } from '../domain/postback-params';
import type { Principal } from '../domain/permissions';

/** A conversion as the API shows it; affiliates see neither revenue nor the review history. */
export function conversionView(c: ConversionDoc, p: Principal, campaignName: string | null) {
  const common = {
    id: c._id,
    clickId: c.clickId,
    campaignId: c.campaignId,
    campaignName,
    affiliateId: c.affiliateId,
    txnId: c.txnId,
    status: c.status,
    reason: c.reason,
    suspectedFraud: c.suspectedFraud,
    currency: c.currency,
    saleAmountCents: c.saleAmountCents,
    payoutCents: c.payoutCents,
    clickedAt: c.clickedAt,
    convertedAt: c.convertedAt,
    sub1: c.sub1,
    sub2: c.sub2,
    sub3: c.sub3,
    sub4: c.sub4,
    sub5: c.sub5,
    payoutId: c.payoutId,
  };
  if (p.role === 'affiliate') return common;
  return { ...common, revenueCents: c.revenueCents, approvedAt: c.approvedAt, history: c.history, adminDecision: c.adminDecision ?? null, refusedChanges: c.refusedChanges ?? [] };
}

/** An inbound postback with how it was resolved; the token is shown masked. */
export function postbackView(pb: PostbackDoc) {
  const params: Record<string, string> = { ...pb.params };
  if (params.token !== undefined) params.token = maskToken(params.token) ?? '';
  return {
    id: pb._id,
    state: pb.state,
    reason: pb.reason,
    detail: pb.detail,
    campaignId: pb.campaignId,
    conversionId: pb.conversionId,
    params,
    method: pb.method,
    receivedAt: pb.receivedAt,
    resolvedAt: pb.resolvedAt,
    test: pb.test,
  };
}
