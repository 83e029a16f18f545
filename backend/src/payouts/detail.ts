import type { Payout, PayoutLine } from '@offerly/contract';
import type { AppContext } from '../context';
import type { PayoutDoc } from '../db/models/payout';
import { notFound } from '../domain/errors';
import { canSeeAffiliateRecord, type Principal } from '../domain/permissions';
import { readPayoutLinePage } from './line-list';
import { payoutLineView, payoutViewOf } from './views';

/** Names of a page's campaigns, each read by `_id` (a `$in` would scan the collection on the embedded server). */
async function campaignNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const rows = await Promise.all([...new Set(ids)].map((id) => ctx.models.Campaign.findById(id, { name: 1 }).lean()));
  return new Map(rows.flatMap((c) => (c ? [[c._id, c.name] as [string, string]] : [])));
}

/** A payout the caller may see (its affiliate, or an admin), never one still being built; 404 otherwise. */
async function loadVisiblePayout(ctx: AppContext, p: Principal, id: string): Promise<PayoutDoc> {
  const payout = (await ctx.models.Payout.findById(id).lean()) as PayoutDoc | null;
  if (!payout || payout.status === 'building' || !canSeeAffiliateRecord(p, payout.affiliateId)) throw notFound('Payout');
  return payout;
}

export interface PayoutWithLines {
  payout: Payout;
  lines: PayoutLine[];
  /** All the payout's lines, and the position after this page (null at the end). */
  total: number;
  next: string | null;
}

/** One payout the caller may see, with a page of its lines. */
export async function readPayoutWithLines(ctx: AppContext, p: Principal, id: string, q: { limit: number; order: 'asc' | 'desc'; after: string | null }): Promise<PayoutWithLines> {
  const payout = await loadVisiblePayout(ctx, p, id);
  const page = await readPayoutLinePage(ctx, payout, q);
  const [campaigns, view] = await Promise.all([campaignNames(ctx, page.rows.map((l) => l.campaignId)), payoutViewOf(ctx, payout)]);
  return {
    payout: view,
    lines: page.rows.map((l) => payoutLineView(l, campaigns.get(l.campaignId) ?? null)),
    total: page.total,
    next: page.next,
  };
}
