import type { Conversion } from '@offerly/contract';
import type { AppContext } from '../context';
import type { Principal } from '../domain/permissions';
import { campaignNames } from './campaign-names';
import { readConversionPage, type ConversionListQuery } from './conversion-list';
import { conversionView } from './views';

/** A page of the conversions list as the principal sees it, with each campaign's name; `next` is the raw position. */
export async function conversionViewPage(ctx: AppContext, p: Principal, q: ConversionListQuery): Promise<{ items: Conversion[]; total: number | null; next: string | null }> {
  const page = await readConversionPage(ctx, p, q);
  const names = await campaignNames(ctx, page.rows.map((c) => c.campaignId));
  return { items: page.rows.map((c) => conversionView(c, p, names.get(c.campaignId) ?? null)), total: page.total, next: page.next };
}
