import { z } from 'zod';
import type { AppContext } from '../../context';
import { changeConversionStatus } from '../../conversions/status-change';
import { conversionView } from '../../conversions/views';
import type { ConversionDoc } from '../../db/models/conversion';
import { CONVERSION_STATUSES } from '../../domain/attribution';
import { notFound } from '../../domain/errors';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { listSort, mongoSort, sortParams } from './list-sort';
import { idParam, paged, pageQuery, route, type RouteSpec } from './types';

const hexId = idParam.shape.id;
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s));
/** Conversions grow with traffic: only convertedAt, indexed after each filter the list takes (advertiser, affiliate, campaign, none). */
const conversionSort = listSort({ fields: { convertedAt: 'convertedAt' }, default: { sort: 'convertedAt', order: 'desc' } });
const listQuery = z
  .object({
    ...pageQuery,
    ...sortParams(conversionSort),
    campaignId: hexId.optional(),
    affiliateId: hexId.optional(),
    status: z.enum(CONVERSION_STATUSES).optional(),
    from: instant.optional(),
    to: instant.optional(),
  })
  .strict();
const reviewBody = z.object({ note: z.string().trim().max(500).default('') }).strict();

async function campaignNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.models.Campaign.find({ _id: { $in: unique } }, { name: 1 }).lean();
  return new Map(rows.map((c) => [c._id, c.name]));
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
      const filter: Record<string, unknown> = { status: q.status ?? { $in: [...CONVERSION_STATUSES] } };
      if (p.role === 'advertiser') filter.advertiserId = p.id;
      if (p.role === 'affiliate') filter.affiliateId = p.id;
      if (q.campaignId) filter.campaignId = q.campaignId;
      if (q.affiliateId && p.role !== 'affiliate') filter.affiliateId = q.affiliateId;
      if (q.from || q.to) filter.convertedAt = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lt: q.to } : {}) };
      const [items, total] = await Promise.all([
        ctx.models.Conversion.find(filter).sort(mongoSort(conversionSort, q)).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
        ctx.models.Conversion.countDocuments(filter),
      ]);
      const names = await campaignNames(ctx, items.map((c) => c.campaignId));
      res.json(paged(items.map((c) => conversionView(c as ConversionDoc, p, names.get(c.campaignId) ?? null)), total, q.page, q.limit));
    }),
    review('approve', 'approved'),
    review('reject', 'rejected'),
  ];
}
