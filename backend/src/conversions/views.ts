import type { Conversion, Postback, PostbackParams } from '@offerly/contract';
import type { ConversionChange, ConversionDoc, RefusedChange } from '../db/models/conversion';
import type { PostbackDoc } from '../db/models/postback';
import { maskToken } from '../domain/postback-params';
import type { Principal } from '../domain/permissions';

const iso = (d: Date) => d.toISOString();
const changeView = (h: ConversionChange) => ({ at: iso(h.at), by: h.by, from: h.from, to: h.to, reason: h.reason, note: h.note });
const refusedView = (r: RefusedChange) => ({ at: iso(r.at), by: r.by, to: r.to, reason: r.reason, note: r.note });

/** A conversion as the API shows it; affiliates see neither revenue nor the review history, only admins the affiliate's name. */
export function conversionView(c: ConversionDoc, p: Principal, campaignName: string | null, affiliateName: string | null = null): Conversion {
  const common: Conversion = {
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
    clickedAt: iso(c.clickedAt),
    convertedAt: iso(c.convertedAt),
    sub1: c.sub1,
    sub2: c.sub2,
    sub3: c.sub3,
    sub4: c.sub4,
    sub5: c.sub5,
    payoutId: c.payoutId,
  };
  if (p.role === 'affiliate') return common;
  const d = c.adminDecision;
  return {
    ...common,
    ...(p.role === 'admin' ? { affiliateName } : {}),
    revenueCents: c.revenueCents,
    approvedAt: c.approvedAt ? iso(c.approvedAt) : null,
    history: c.history.map(changeView),
    adminDecision: d ? { by: d.by, at: iso(d.at), status: d.status, note: d.note } : null,
    refusedChanges: (c.refusedChanges ?? []).map(refusedView),
  };
}

/** An inbound postback with how it was resolved; the token is shown masked. */
export function postbackView(pb: PostbackDoc): Postback {
  const params: PostbackParams = { ...pb.params };
  if (params.token !== undefined) params.token = maskToken(params.token) ?? '';
  return {
    id: pb._id,
    state: pb.state,
    reason: pb.reason,
    detail: pb.detail,
    campaignId: pb.campaignId,
    conversionId: pb.conversionId,
    params,
    method: pb.method as Postback['method'],
    receivedAt: iso(pb.receivedAt),
    resolvedAt: pb.resolvedAt ? iso(pb.resolvedAt) : null,
    test: pb.test,
  };
}
