import type { Payout, PayoutLine, PayoutStatus } from '@offerly/contract';
import { accountNames } from '../accounts/account-names';
import type { AppContext } from '../context';
import { safeCsv } from '../csv/safe-csv';
import type { PayoutDoc, PayoutLineDoc } from '../db/models/payout';
import { formatDecimal } from '../domain/money';

const iso = (d: Date) => new Date(d).toISOString();
const isoOrNull = (d: Date | null) => (d ? iso(d) : null);

/** A payout as the API shows it; only completed payouts are shown (never one still `building`). */
export function payoutView(p: PayoutDoc, affiliateName: string | null): Payout {
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
    status: p.status as PayoutStatus,
    cutoff: iso(p.cutoff),
    periodStart: isoOrNull(p.periodStart),
    periodEnd: isoOrNull(p.periodEnd),
    paidReference: p.paidReference,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    history: p.history.map((h) => ({ at: iso(h.at), by: h.by, from: h.from, to: h.to, note: h.note })),
  };
}

export async function payoutViews(ctx: AppContext, payouts: PayoutDoc[]): Promise<Payout[]> {
  const names = await accountNames(ctx, payouts.map((p) => p.affiliateId));
  return payouts.map((p) => payoutView(p, names.get(p.affiliateId) ?? null));
}

/** One payout's view, with its affiliate's name. */
export async function payoutViewOf(ctx: AppContext, p: PayoutDoc): Promise<Payout> {
  const names = await accountNames(ctx, [p.affiliateId]);
  return payoutView(p, names.get(p.affiliateId) ?? null);
}

/**
 * A payout line: a conversion, or a click earning (a UTC day's paid clicks on
 * one campaign). Lines stored before click earnings existed have no kind.
 */
export function payoutLineView(l: PayoutLineDoc, campaignName: string | null): PayoutLine {
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
    convertedAt: iso(l.convertedAt),
  };
}

/** Click columns come last, so readers of the earlier columns by position are unaffected. */
export function payoutsCsv(items: Payout[]): string {
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
      p.cutoff,
      p.periodStart ?? '',
      p.periodEnd ?? '',
      p.createdAt,
      p.paidReference ?? '',
      String(p.clickCount),
      formatDecimal(p.clickAmountCents, p.currency),
    ]),
  ]);
}
