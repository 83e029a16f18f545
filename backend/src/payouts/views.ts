import type { AppContext } from '../context';
import { safeCsv } from '../csv/safe-csv';
import type { PayoutDoc, PayoutLineDoc } from '../db/models/payout';
import { formatDecimal } from '../domain/money';

export function payoutView(p: PayoutDoc, affiliateName: string | null) {
  return {
    id: p._id,
    runId: p.runId,
    affiliateId: p.affiliateId,
    affiliateName,
    currency: p.currency,
    amountCents: p.amountCents,
    conversionCount: p.conversionCount,
    clickEarningCount: p.clickEarningCount ?? 0,
    clickCount: p.clickCount ?? 0,
    clickAmountCents: p.clickAmountCents ?? 0,
    status: p.status,
    cutoff: p.cutoff,
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    paidReference: p.paidReference,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    history: p.history.map((h) => ({ at: h.at, by: h.by, from: h.from, to: h.to, note: h.note })),
  };
}

export type PayoutView = ReturnType<typeof payoutView>;

export async function affiliateNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  // One findOne by `_id` each: a `$in` reads the whole collection on the embedded server.
  const users = await Promise.all([...new Set(ids)].map((id) => ctx.models.User.findById(id, { name: 1 }).lean()));
  return new Map(users.flatMap((u) => (u ? [[u._id, u.name] as [string, string]] : [])));
}

export async function payoutViews(ctx: AppContext, payouts: PayoutDoc[]): Promise<PayoutView[]> {
  const names = await affiliateNames(ctx, payouts.map((p) => p.affiliateId));
  return payouts.map((p) => payoutView(p, names.get(p.affiliateId) ?? null));
}

/**
 * A payout line: a conversion, or a click earning (a UTC day's paid clicks on
 * one campaign). Lines stored before click earnings existed have no kind.
 */
export function payoutLineView(l: PayoutLineDoc, campaignName: string | null) {
  const clicks = l.kind === 'clicks';
  return {
    id: l._id,
    kind: clicks ? ('clicks' as const) : ('conversion' as const),
    conversionId: clicks ? null : l.conversionId,
    clickEarningId: clicks ? (l.clickEarningId ?? null) : null,
    day: clicks ? (l.day ?? null) : null,
    clicks: clicks ? (l.clicks ?? 0) : null,
    campaignId: l.campaignId,
    campaignName,
    amountCents: l.amountCents,
    convertedAt: l.convertedAt,
  };
}

/** Click columns come last, so readers of the earlier columns by position are unaffected. */
export function payoutsCsv(items: PayoutView[]): string {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : '');
  return safeCsv([
    ['id', 'affiliateId', 'affiliateName', 'currency', 'amount', 'conversionCount', 'status', 'cutoff', 'periodStart', 'periodEnd', 'createdAt', 'paidReference', 'clickCount', 'clickAmount'],
    ...items.map((p) => [
      p.id,
      p.affiliateId,
      p.affiliateName ?? '',
      p.currency,
      formatDecimal(p.amountCents, p.currency),
      String(p.conversionCount),
      p.status,
      iso(p.cutoff),
      iso(p.periodStart),
      iso(p.periodEnd),
      iso(p.createdAt),
      p.paidReference ?? '',
      String(p.clickCount),
      formatDecimal(p.clickAmountCents, p.currency),
    ]),
  ]);
}
