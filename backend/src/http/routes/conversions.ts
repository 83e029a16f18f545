import { z } from 'zod';
import type { AppContext } from '../../context';
import { changeConversionStatus } from '../../conversions/status-change';
import { readConversionPage } from '../../conversions/conversion-list';
import { conversionView } from '../../conversions/views';
import { CONVERSION_STATUSES } from '../../domain/attribution';
import { notFound } from '../../domain/errors';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { listSort, sortParams } from './list-sort';
import { idParam, route, type RouteSpec } from './types';

const hexId = idParam.shape.id;
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s));
/** Conversions grow with traffic: read through day buckets in convertedAt order (conversions/conversion-list.ts). */
const conversionSort = listSort({ fields: { convertedAt: 'convertedAt' }, default: { sort: 'convertedAt', order: 'desc' } });
const listQuery = z
  .object({
    ...cursorQuery,
    ...sortParams(conversionSort),
    campaignId: hexId.optional(),
    affiliateId: hexId.optional(),
    status: z.enum(CONVERSION_STATUSES).optional(),
    from: instant.optional(),
    to: instant.optional(),
  })
  .strict();
const reviewBody = z.object({ note: z.string().trim().max(500).default('') }).strict();

/** Names of the campaigns of a page, each read by `_id` (a `$in` would scan the collection on the embedded server). */
async function campaignNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const rows = await Promise.all(unique.map((id) => ctx.models.Campaign.findById(id, { name: 1 }).lean()));
  return new Map(rows.flatMap((c) => (c ? [[c._id, c.name] as [string, string]] : [])));
}

export function conversionRoutes(ctx: AppContext): RouteSpec[] {
  const review = (verb: 'approve' | 'reject', to: 'approved' | 'rejected') =>
    route('post', `/api/conversions/:id/${verb}`, 'conversions.review', `${verb === 'approve' ? 'Approve' : 'Reject'} a conversion`, async (req, res) => {
      const { id } = parse(idParam, req.params, 'params');
      const { note } = parse(reviewBody, req.body, 'body');
      const p = principalOf(req);
      const conv = await ctx.models.Conversion.findById(id, { advertiserId: 1 }).lean();
      if (!conv || (p.role !== 'admin' && conv.advertiserId !== p.id)) throw notFound('Conversion');
      const reason = to === 'rejected' ? (p.role === 'admin' ? 'admin_rejected' : 'advertiser_rejected') : null;
      const updated = await changeConversionStatus(ctx, id, to, { by: p.id, note, reason, admin: p.role === 'admin' });
      const names = await campaignNames(ctx, [updated.campaignId]);
      res.json({ conversion: conversionView(updated, p, names.get(updated.campaignId) ?? null) });
    });

  return [
    route('get', '/api/conversions', 'conversions.list', 'Conversions: an advertiser’s campaigns, an affiliate’s own, all for admins', async (req, res) => {
      const q = parse(listQuery, req.query, 'query');
      const p = principalOf(req);
      const order = q.order ?? (q.sort === undefined ? 'desc' : 'asc');
      const page = await readConversionPage(ctx, p, { ...q, order, after: q.cursor ?? null });
      const names = await campaignNames(ctx, page.rows.map((c) => c.campaignId));
      res.json(cursorPaged(page.rows.map((c) => conversionView(c, p, names.get(c.campaignId) ?? null)), page.total, q.limit, page.next));
    }),
    review('approve', 'approved'),
    review('reject', 'rejected'),
  ];
}
