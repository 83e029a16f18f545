import type { ConversionBulkOutcome } from '@offerly/contract';
import type { AppContext } from '../context';
import type { Principal } from '../domain/permissions';
import { tryChangeConversionStatus } from './status-change';

/**
 * One review for many conversions (at most BULK_REVIEW_MAX), with one note:
 * each conversion is changed on its own, in the order given, and answers
 * its own outcome; one refused (paid out, an admin's decision, a full cap)
 * does not stop the others. Advertisers reach only their own campaigns'
 * conversions; others' answer not_found, like missing ones.
 */
export async function bulkReviewConversions(ctx: AppContext, p: Principal, ids: string[], to: 'approved' | 'rejected', note: string): Promise<ConversionBulkOutcome[]> {
  const reason = to === 'rejected' ? (p.role === 'admin' ? 'admin_rejected' : 'advertiser_rejected') : null;
  const out: ConversionBulkOutcome[] = [];
  // One after another: each change takes or gives back a cap place, so their order is the order asked for.
  for (const id of [...new Set(ids)]) {
    const conv = await ctx.models.Conversion.findById(id, { advertiserId: 1 }).lean();
    if (!conv || (p.role !== 'admin' && conv.advertiserId !== p.id)) {
      out.push({ id, done: false, error: { code: 'not_found', message: 'Conversion not found', reason: null } });
      continue;
    }
    const r = await tryChangeConversionStatus(ctx, id, to, { by: p.id, note, reason, admin: p.role === 'admin' });
    out.push(r.ok ? { id, done: true, error: null } : { id, done: false, error: { code: r.refusal.kind, message: r.refusal.message, reason: r.refusal.details?.reason ?? null } });
  }
  return out;
}
