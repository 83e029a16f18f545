import { z } from 'zod';
import { AccountReviewBody, affiliateListFilters, IdParams, PasswordResetIssued, REVIEW_ACTIONS, ReviewedAffiliate, ReviewedUser, ReviewNoteBody, UserPage, userListFilters, type ReviewAction } from '@offerly/contract';
import { adminActOf, resetPasswordFor, reviewAccountAudited } from '../../accounts/admin-actions';
import { readAllUsers, readUserPage, type UserListQuery } from '../../accounts/user-list';
import { usersCsv, userWithHistoryView } from '../../accounts/views';
import { sendCsv } from '../send-csv';
import type { AppContext } from '../../context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { listSort, sortParams } from './list-sort';
import { defineRoute, jsonOrCsv, type RouteSpec } from './types';

/** Accounts grow without end: read through day buckets in createdAt order (accounts/user-list.ts). */
const userSort = listSort({ fields: { createdAt: 'createdAt' }, default: { sort: 'createdAt', order: 'desc' } });
const affiliateListQuery = z.object({ ...cursorQuery, ...sortParams(userSort), ...affiliateListFilters }).strict();
const userListQuery = z
  .object({
    ...cursorQuery,
    ...sortParams(userSort),
    ...userListFilters,
    format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv`: every matching account (up to 50,000) as a CSV file, ignoring paging' }),
  })
  .strict();

const CSV_MAX_ROWS = 50_000;

const TAG = 'Accounts';
const LIST_DESCRIPTION = 'Newest first unless `order` says otherwise; paged with `cursor` (the previous answer’s `nextCursor`). The total counts every account the filters match.';

type ListQuery = Omit<z.output<typeof userListQuery>, 'format' | 'q'> & { q?: string | undefined };

/** The page a list query asks for: newest first by default, `sort=createdAt` alone ascending. */
const pageRequest = (q: ListQuery): Pick<UserListQuery, 'order' | 'limit' | 'after'> => ({ order: q.order ?? (q.sort === undefined ? 'desc' : 'asc'), limit: q.limit, after: q.cursor ?? null });

async function userPage(ctx: AppContext, q: ListQuery) {
  const page = await readUserPage(ctx, { role: q.role, status: q.status, q: q.q, ...pageRequest(q) });
  return cursorPaged(page.rows.map(userWithHistoryView), page.total, q.limit, page.next);
}

export function adminRoutes(ctx: AppContext): RouteSpec[] {
  const review = (action: ReviewAction) =>
    defineRoute({
      method: 'post',
      path: `/api/admin/affiliates/:id/${action}`,
      action: 'admin.affiliates.review',
      tag: TAG,
      summary: `${action} an affiliate`,
      description: 'One of two reviews made at once wins; the other, and a transition the status does not allow, answer 409. 404 for an id that is not an affiliate.',
      request: { params: IdParams, body: ReviewNoteBody },
      responses: { 200: ReviewedAffiliate },
      errors: [409],
    }).handle(async ({ params, body, req }) => ({ affiliate: userWithHistoryView(await reviewAccountAudited(ctx, params.id, ['affiliate'], action, body.note, adminActOf(req))) }));

  return [
    defineRoute({
      method: 'get',
      path: '/api/admin/affiliates',
      action: 'admin.affiliates.list',
      tag: TAG,
      summary: 'Affiliates, newest first, filterable by status (the approval queue: status=pending)',
      description: LIST_DESCRIPTION,
      request: { query: affiliateListQuery },
      responses: { 200: UserPage },
    }).handle(async ({ query }) => userPage(ctx, { ...query, role: 'affiliate' })),
    ...REVIEW_ACTIONS.map(review),
    defineRoute({
      method: 'get',
      path: '/api/admin/users',
      action: 'admin.users.list',
      tag: TAG,
      summary: 'All accounts (filterable, searchable, CSV)',
      description: `${LIST_DESCRIPTION} \`format=csv\` answers every matching account (up to 50,000) as one CSV file.`,
      request: { query: userListQuery },
      responses: { 200: jsonOrCsv(UserPage, 'A page of accounts', 'Every matching account as CSV (`format=csv`), with the last review and its note') },
    }).handle(async ({ query, res }) => {
      if (query.format === 'csv') {
        const all = await readAllUsers(ctx, { role: query.role, status: query.status, q: query.q, order: pageRequest(query).order }, CSV_MAX_ROWS);
        return sendCsv(res, `users-${new Date().toISOString().slice(0, 10)}.csv`, usersCsv(all));
      }
      return userPage(ctx, query);
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/users/:id/review',
      action: 'admin.users.review',
      tag: TAG,
      summary: 'Approve, reject, suspend or reinstate an advertiser or affiliate, with a note kept in the history',
      description: 'Suspending an advertiser sends its campaigns’ traffic to their fallback at once; suspending an affiliate closes its live dashboards. A transition the status does not allow, or a concurrent review that won, answers 409; admins answer 404.',
      request: { params: IdParams, body: AccountReviewBody },
      responses: { 200: ReviewedUser },
      errors: [409],
    }).handle(async ({ params, body, req }) => ({
      user: userWithHistoryView(await reviewAccountAudited(ctx, params.id, ['advertiser', 'affiliate'], body.action, body.note, adminActOf(req))),
    })),
    defineRoute({
      method: 'post',
      path: '/api/admin/users/:id/password-reset',
      action: 'admin.users.resetPassword',
      tag: TAG,
      summary: 'Issue a one-time password-reset code for an advertiser or affiliate',
      description:
        'The answer holds the code once (only its hash is kept): give it to the account’s owner, who sets a new password with it at `POST /api/auth/password-reset` (the dashboard’s /reset-password page) within an hour. Using it signs out every session of the account. Each call issues another code; earlier ones stay valid until used or expired. Recorded in the audit log. Admin accounts answer 404.',
      request: { params: IdParams },
      responses: { 200: PasswordResetIssued },
    }).handle(async ({ params, req }) => {
      const issued = await resetPasswordFor(ctx, params.id, adminActOf(req));
      return { code: issued.code, expiresAt: issued.expiresAt.toISOString(), user: userWithHistoryView(issued.user) };
    }),
  ];
}
