import type { Conversion } from '@offerly/contract';
import type { AppContext } from '../context';
import { notFound } from '../domain/errors';
import type { Principal } from '../domain/permissions';
import { campaignNames } from './campaign-names';
import { changeConversionStatus } from './status-change';
import { conversionView } from './views';

/**
 * An advertiser's or an admin's review of a conversion. Advertisers may only
 * review their own campaigns' conversions (others' answer 404, like missing
 * ones); an admin's review becomes the decision only admins may change.
 */
export async function reviewConversion(ctx: AppContext, p: Principal, id: string, to: 'approved' | 'rejected', note: string, noteShared = false): Promise<Conversion> {
  const conv = await ctx.models.Conversion.findById(id, { advertiserId: 1 }).lean();
  if (!conv || (p.role !== 'admin' && conv.advertiserId !== p.id)) throw notFound('Conversion');
  const reason = to === 'rejected' ? (p.role === 'admin' ? 'admin_rejected' : 'advertiser_rejected') : null;
  const updated = await changeConversionStatus(ctx, id, to, { by: p.id, note, reason, admin: p.role === 'admin', noteShared });
  const names = await campaignNames(ctx, [updated.campaignId]);
  return conversionView(updated, p, names.get(updated.campaignId) ?? null);
}
