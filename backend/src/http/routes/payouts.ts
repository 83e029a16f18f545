import { IdParams, PayoutBulkApproveBody, PayoutBulkApproveResult, PayoutDetail, PayoutEnvelope, PayoutLinesQuery, PayoutListQuery, PayoutPage, PayoutReviewBody, PayoutRunResult } from '@offerly/contract';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import type { PayoutAction } from '../../domain/payout-plan';
import type { Principal } from '../../domain/permissions';
import { bulkApprovePayouts } from '../../payouts/bulk-approve';
import { readPayoutWithLines } from '../../payouts/detail';
import { runPayoutsNow } from '../../payouts/manual-run';
import { readAllPayouts, readPayoutPage } from '../../payouts/payout-list';
import { transitionPayout } from '../../payouts/transitions';
import { payoutsCsv, payoutViewOf, payoutViews } from '../../payouts/views';
import { sendCsv } from '../send-csv';
import { cursorPaged, withCursor } from './cursor-page';
import { defineRoute, jsonOrCsv, type RouteSpec } from './types';

const CSV_MAX_ROWS = 50_000;

/** One payout per affiliate and currency per run, without end: read through day buckets in createdAt order (payouts/payout-list.ts). */
const ListQuery = withCursor(PayoutListQuery);
/** A payout's lines can be many (one per conversion or click day): read through day buckets in convertedAt order (a clicks line's day start; payouts/line-list.ts). */
const LinesQuery = withCursor(PayoutLinesQuery);

/** Whose payouts a list shows: affiliates only their own, admins all or the one they name. */
function listedAffiliate(p: Principal, asked: string | undefined): string | undefined {
  if (p.role !== 'affiliate') return asked;
  if (asked && asked !== p.id) throw new ApiError('forbidden', 'Affiliates see only their own payouts');
  return p.id;
}

export function payoutRoutes(ctx: AppContext): RouteSpec[] {
  const transition = (path: string, action: PayoutAction, summary: string, description: string) =>
    defineRoute({
      method: 'post',
      path,
      action: 'payouts.review',
      tag: 'Payouts',
      summary,
      description: `${description} Changes of one payout are serialised; a payout not in the status the action starts from is a 409.`,
      request: { params: IdParams, body: PayoutReviewBody },
      responses: { 200: PayoutEnvelope },
      errors: [409],
    }).handle(async ({ params, body, principal }) => {
      if (body.reference !== undefined && action !== 'markPaid') throw new ApiError('validation_failed', 'A reference is only taken when marking a payout paid', [{ path: 'reference', message: 'only for mark-paid' }]);
      const p = await transitionPayout(ctx, params.id, action, principal.id, { note: body.note, reference: body.reference ?? null });
      return { payout: await payoutViewOf(ctx, p) };
    });

  return [
    defineRoute({
      method: 'get',
      path: '/api/payouts',
      action: 'payouts.list',
      tag: 'Payouts',
      summary: 'Payouts: an affiliate’s own, all for admins (filterable, CSV)',
      description:
        'Newest first unless `sort`/`order` say otherwise; paged with `cursor`. Filters: `status`, `currency`, `affiliateId` (admins), `from`/`to` (when the payout run created it). `total` is null with a date range (no counter answers it). `format=csv` answers every matching payout (up to 50,000) as one CSV file.',
      request: { query: ListQuery },
      responses: { 200: jsonOrCsv(PayoutPage, 'A page of payouts', 'Every matching payout as CSV (`format=csv`), amounts as decimals') },
    }).handle(async ({ query, principal, res }) => {
      const filters = {
        affiliateId: listedAffiliate(principal, query.affiliateId),
        status: query.status,
        currency: query.currency,
        from: query.from,
        to: query.to,
        order: query.order ?? (query.sort === undefined ? 'desc' : 'asc'),
      } as const;
      if (query.format === 'csv') {
        const all = await readAllPayouts(ctx, filters, CSV_MAX_ROWS);
        return sendCsv(res, `payouts-${new Date().toISOString().slice(0, 10)}.csv`, payoutsCsv(await payoutViews(ctx, all)));
      }
      const page = await readPayoutPage(ctx, { ...filters, limit: query.limit, after: query.cursor ?? null });
      return cursorPaged(await payoutViews(ctx, page.rows), page.total, query.limit, page.next);
    }),

    defineRoute({
      method: 'post',
      path: '/api/payouts/run',
      action: 'payouts.run',
      tag: 'Payouts',
      summary: 'Run a payout now (same lock as the scheduled run)',
      description: 'Answers once the run has finished, with its record and counts; while another run holds the lock, a 409.',
      responses: { 200: PayoutRunResult },
      errors: [409],
    }).handle(async ({ principal }) => ({ run: await runPayoutsNow(ctx, principal.id) })),

    defineRoute({
      method: 'get',
      path: '/api/payouts/:id',
      action: 'payouts.read',
      tag: 'Payouts',
      summary: 'One payout with its lines',
      description: 'Lines in convertedAt order (oldest first unless `order=desc`), paged with `cursor`. Affiliates see only their own payouts (404 otherwise).',
      request: { params: IdParams, query: LinesQuery },
      responses: { 200: PayoutDetail },
    }).handle(async ({ params, query, principal }) => {
      const d = await readPayoutWithLines(ctx, principal, params.id, { limit: query.limit, order: query.order ?? 'asc', after: query.cursor ?? null });
      return { payout: d.payout, lines: cursorPaged(d.lines, d.total, query.limit, d.next) };
    }),

    bulkApproveRoute(ctx),

    transition('/api/payouts/approve/:id', 'approve', 'Approve a payout', 'pending_approval → approved.'),
    transition('/api/payouts/:id/reject', 'reject', 'Reject a payout (its conversions and click earnings are released)', 'pending_approval or approved → rejected; what it held can be paid by a later run.'),
    transition('/api/payouts/:id/mark-paid', 'markPaid', 'Mark an approved payout paid, with an optional reference', 'approved → paid; `reference` is kept as `paidReference`.'),
  ];
}

/** Approvals of many payouts at once, each through the single approval. */
function bulkApproveRoute(ctx: AppContext): RouteSpec {
  return defineRoute({
    method: 'post',
    path: '/api/payouts/bulk-approve',
    action: 'payouts.review',
    tag: 'Payouts',
    summary: 'Approve many payouts at once, with each one’s outcome',
    description:
      'Each id goes through the single approval (pending_approval → approved, serialised per payout). Always a 200 for a valid body: every distinct id is answered `approved` or `refused` with its reason (`not_found`, `not_allowed` with the payout’s status, `busy`, `changed`); a refusal does not stop the others.',
    request: { body: PayoutBulkApproveBody },
    responses: { 200: PayoutBulkApproveResult },
  }).handle(async ({ body, principal }) => {
    const results = await bulkApprovePayouts(ctx, body.ids, principal.id, body.note);
    const approved = results.filter((r) => r.outcome === 'approved').length;
    return { results, approved, refused: results.length - approved };
  });
}
