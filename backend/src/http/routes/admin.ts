import { z } from 'zod';
import { reviewAffiliate } from '../../accounts/accounts';
import type { AppContext } from '../../context';
import { publicUser, USER_STATUSES } from '../../db/models/user';
import { REVIEW_ACTIONS } from '../../domain/account-rules';
import { ROLES } from '../../domain/permissions';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { listSort, mongoSort, sortParams } from './list-sort';
import { idParam, paged, pageQuery, route, type RouteSpec } from './types';

const userSort = listSort({
  fields: { createdAt: 'createdAt', name: 'name', email: 'email', company: 'company', role: 'role', status: 'status' },
  default: { sort: 'createdAt', order: 'desc' },
});
const affiliateListQuery = z.object({ ...pageQuery, ...sortParams(userSort), status: z.enum(USER_STATUSES).optional() }).strict();
const userListQuery = z.object({ ...pageQuery, ...sortParams(userSort), role: z.enum(ROLES).optional(), status: z.enum(USER_STATUSES).optional() }).strict();
const reviewBody = z.object({ note: z.string().trim().max(500).default('') }).strict();

export function adminRoutes(ctx: AppContext): RouteSpec[] {
  const review = (action: (typeof REVIEW_ACTIONS)[number]) =>
    route('post', `/api/admin/affiliates/:id/${action}`, 'admin.affiliates.review', `${action} an affiliate`, async (req, res) => {
      const { id } = parse(idParam, req.params, 'params');
      const { note } = parse(reviewBody, req.body, 'body');
      const user = await reviewAffiliate(ctx, id, action, principalOf(req).id, note);
      res.json({ affiliate: { ...publicUser(user), statusHistory: user.statusHistory } });
    });

  return [
    route('get', '/api/admin/affiliates', 'admin.affiliates.list', 'Affiliates, filterable by status (pending first for the approval queue)', async (req, res) => {
      const q = parse(affiliateListQuery, req.query, 'query');
      const filter: Record<string, unknown> = { role: 'affiliate', ...(q.status ? { status: q.status } : {}) };
      const [items, total] = await Promise.all([
        ctx.models.User.find(filter).sort(mongoSort(userSort, q)).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
        ctx.models.User.countDocuments(filter),
      ]);
      res.json(paged(items.map((u) => ({ ...publicUser(u), statusHistory: u.statusHistory })), total, q.page, q.limit));
    }),
    ...REVIEW_ACTIONS.map(review),
    route('get', '/api/admin/users', 'admin.users.list', 'All accounts', async (req, res) => {
      const q = parse(userListQuery, req.query, 'query');
      const filter: Record<string, unknown> = { ...(q.role ? { role: q.role } : {}), ...(q.status ? { status: q.status } : {}) };
      const [items, total] = await Promise.all([
        ctx.models.User.find(filter).sort(mongoSort(userSort, q)).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
        ctx.models.User.countDocuments(filter),
      ]);
      res.json(paged(items.map(publicUser), total, q.page, q.limit));
    }),
  ];
}
