import type { AppContext } from '../context';
import { safeCsv } from '../csv/safe-csv';
import type { PayoutDoc } from '../db/models/payout';
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
  const uniq = [...new Set(ids)];
  if (uniq.length === 0) return new Map();
  const users = await ctx.models.User.find({ _id: { $in: uniq } }, { name: 1 }).lean();
  return new Map(users.map((u) => [u._id, u.name]));
}

export async function payoutViews(ctx: AppContext, payouts: PayoutDoc[]): Promise<PayoutView[]> {
  const names = await affiliateNames(ctx, payouts.map((p) => p.affiliateId));
  return payouts.map((p) => payoutView(p, names.get(p.affiliateId) ?? null));
}

export function payoutsCsv(items: PayoutView[]): string {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : '');
  return safeCsv([
    ['id', 'affiliateId', 'affiliateName', 'currency', 'amount', 'conversionCount', 'status', 'cutoff', 'periodStart', 'periodEnd', 'createdAt', 'paidReference'],
    ...items.map((p) => [p.id, p.affiliateId, p.affiliateName ?? '', p.currency, formatDecimal(p.amountCents, p.currency), String(p.conversionCount), p.status, iso(p.cutoff), iso(p.periodStart), iso(p.periodEnd), iso(p.createdAt), p.paidReference ?? '']),
  ]);
}
