import { z } from 'zod';
import { reviewAccount, reviewAffiliate } from '../../accounts/accounts';
import { readUserPage } from '../../accounts/user-list';
import type { AppContext } from '../../context';
import { publicUser, USER_STATUSES } from '../../db/models/user';
import { accountReviewSchema, REVIEW_ACTIONS } from '../../domain/account-rules';
import { ROLES } from '../../domain/permissions';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { listSort, sortParams } from './list-sort';
import { idParam, route, type RouteSpec } from './types';

/** Accounts grow without end: read through day buckets in createdAt order (accounts/user-list.ts). */
const userSort = listSort({ fields: { createdAt: 'createdAt' }, default: { sort: 'createdAt', order: 'desc' } });
const affiliateListQuery = z.object({ ...cursorQuery, ...sortParams(userSort), status: z.enum(USER_STATUSES).optional() }).strict();
const userListQuery = z.object({ ...cursorQuery, ...sortParams(userSort), role: z.enum(ROLES).optional(), status: z.enum(USER_STATUSES).optional() }).strict();
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
    route('get', '/api/admin/affiliates', 'admin.affiliates.list', 'Affiliates, newest first, filterable by status (the approval queue: status=pending)', async (req, res) => {
      const q = parse(affiliateListQuery, req.query, 'query');
      const order = q.order ?? (q.sort === undefined ? 'desc' : 'asc');
      const page = await readUserPage(ctx, { role: 'affiliate', status: q.status, order, limit: q.limit, after: q.cursor ?? null });
      res.json(cursorPaged(page.rows.map((u) => ({ ...publicUser(u), statusHistory: u.statusHistory })), page.total, q.limit, page.next));
    }),
    ...REVIEW_ACTIONS.map(review),
    route('get', '/api/admin/users', 'admin.users.list', 'All accounts', async (req, res) => {
      const q = parse(userListQuery, req.query, 'query');
      const order = q.order ?? (q.sort === undefined ? 'desc' : 'asc');
      const page = await readUserPage(ctx, { role: q.role, status: q.status, order, limit: q.limit, after: q.cursor ?? null });
      res.json(cursorPaged(page.rows.map((u) => ({ ...publicUser(u), statusHistory: u.statusHistory })), page.total, q.limit, page.next));
    }),
    route('post', '/api/admin/users/:id/review', 'admin.users.review', 'Approve, reject, suspend or reinstate an advertiser or affiliate, with a note kept in the history', async (req, res) => {
      const { id } = parse(idParam, req.params, 'params');
      const { action, note } = parse(accountReviewSchema, req.body, 'body');
      const user = await reviewAccount(ctx, id, ['advertiser', 'affiliate'], action, principalOf(req).id, note);
      res.json({ user: { ...publicUser(user), statusHistory: user.statusHistory } });
    }),
  ];
}
