import type { Conversion } from '@offerly/contract';
import type { AppContext } from '../context';
import type { Principal } from '../domain/permissions';
import { campaignNames } from './campaign-names';
import { readConversionPage, type ConversionListQuery } from './conversion-list';
import { conversionView } from './views';
import type { ConversionDoc } from '../db/models/conversion';
import { safeCsv } from '../csv/safe-csv';
import { formatDecimal } from '../domain/money';
import { accountNames } from '../accounts/account-names';

/** A page of the conversions list as the principal sees it, with each campaign's name; `next` is the raw position. */
export async function conversionViewPage(ctx: AppContext, p: Principal, q: ConversionListQuery): Promise<{ items: Conversion[]; total: number | null; next: string | null }> {
  const page = await readConversionPage(ctx, p, q);
  return { items: await conversionViews(ctx, p, page.rows), total: page.total, next: page.next };
}

/** Conversions as the principal sees them, with campaign names (and, for admins, affiliate names), each name read by `_id`. */
export async function conversionViews(ctx: AppContext, p: Principal, rows: ConversionDoc[]): Promise<Conversion[]> {
  const [campaigns, affiliates] = await Promise.all([
    campaignNames(ctx, rows.map((c) => c.campaignId)),
    p.role === 'admin' ? accountNames(ctx, rows.map((c) => c.affiliateId)) : new Map<string, string>(),
  ]);
  return rows.map((c) => conversionView(c, p, campaigns.get(c.campaignId) ?? null, affiliates.get(c.affiliateId) ?? null));
}

const decimal = (cents: number | null | undefined, currency: string) => (cents === null || cents === undefined ? '' : formatDecimal(cents, currency));

/**
 * The conversions as CSV, with the columns the principal may see (revenue
 * for admins and advertisers, the affiliate's name for admins). A rejected
 * conversion's payout is 0 for the affiliate: it earns nothing.
 */
export function conversionsCsv(p: Principal, items: Conversion[]): string {
  const admin = p.role === 'admin';
  const affiliate = p.role === 'affiliate';
  const header = ['id', 'convertedAt', 'campaignId', 'campaignName', 'affiliateId', ...(admin ? ['affiliateName'] : []), 'status', 'reason', 'txnId', 'clickId', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'currency', 'saleAmount', 'payout', ...(affiliate ? [] : ['revenue'])];
  return safeCsv([
    header,
    ...items.map((c) => [
      c.id,
      c.convertedAt,
      c.campaignId,
      c.campaignName ?? '',
      c.affiliateId,
      ...(admin ? [c.affiliateName ?? ''] : []),
      c.status,
      c.reason ?? '',
      c.txnId,
      c.clickId,
      c.sub1 ?? '',
      c.sub2 ?? '',
      c.sub3 ?? '',
      c.sub4 ?? '',
      c.sub5 ?? '',
      c.currency,
      decimal(c.saleAmountCents, c.currency),
      decimal(affiliate && c.status === 'rejected' ? 0 : c.payoutCents, c.currency),
      ...(affiliate ? [] : [decimal(c.revenueCents, c.currency)]),
    ]),
  ]);
}
