import { ConversionBulkReviewBody, ConversionBulkReviewResult, ConversionDetail, ConversionEnvelope, ConversionListQuery, ConversionPage, ConversionReviewBody, IdParams } from '@offerly/contract';
import type { AppContext } from '../../context';
import { bulkReviewConversions } from '../../conversions/bulk-review';
import { readAllConversions } from '../../conversions/conversion-list';
import { conversionsCsv, conversionViewPage, conversionViews } from '../../conversions/conversion-pages';
import { readConversionDetail } from '../../conversions/detail';
import { reviewConversion } from '../../conversions/review';
import { sendCsv } from '../send-csv';
import { cursorPaged, withCursor } from './cursor-page';
import { listOrder, listSort } from './list-sort';
import { defineRoute, jsonOrCsv, type RouteSpec } from './types';

const CSV_MAX_ROWS = 50_000;

/** Conversions grow with traffic: read through day buckets in convertedAt order (conversions/conversion-list.ts). */
const conversionSort = listSort({ fields: { convertedAt: 'convertedAt' }, default: { sort: 'convertedAt', order: 'desc' } });
const listQuery = withCursor(ConversionListQuery);

export function conversionRoutes(ctx: AppContext): RouteSpec[] {
  const review = (verb: 'approve' | 'reject', to: 'approved' | 'rejected') =>
    defineRoute({
      method: 'post',
      path: `/api/conversions/:id/${verb}`,
      action: 'conversions.review',
      tag: 'Conversions',
      summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a conversion`,
      description:
        'Advertisers review their own campaigns’ conversions (others answer 404). Once an admin has reviewed a conversion, only admins may change it: an advertiser’s change is refused with 409 and `details.reason: admin_decided`. ' +
        'Leaving `rejected` needs a place under the campaign’s caps and budget (409 with `details.reason` `cap_reached` or `budget_exhausted` when full); conversions already paid out cannot change (409).',
      request: { params: IdParams, body: ConversionReviewBody },
      responses: { 200: ConversionEnvelope },
      errors: [409],
    }).handle(async ({ params, body, principal }) => ({ conversion: await reviewConversion(ctx, principal, params.id, to, body.note, body.shareNote) }));

  return [
    defineRoute({
      method: 'get',
      path: '/api/conversions',
      action: 'conversions.list',
      tag: 'Conversions',
      summary: 'Conversions: an advertiser’s campaigns, an affiliate’s own, all for admins',
      description:
        'Newest first unless `sort`/`order` say otherwise, paged with `cursor`. Filters: `campaignId`, `affiliateId`, `advertiserId` (admins), `status`, `from`/`to`; `search` finds conversions by exact transaction id or click id. ' +
        '`total` is null when no counter answers the filters (a date range, or two ids at once). Affiliates see neither `revenueCents` nor the review history; only admins get `affiliateName`. ' +
        '`format=csv` answers every matching conversion (up to 50,000) as one CSV file; in an affiliate’s file a rejected conversion’s payout is 0.',
      request: { query: listQuery },
      responses: { 200: jsonOrCsv(ConversionPage, 'A page of conversions', 'Every matching conversion as CSV (`format=csv`), amounts as decimals') },
    }).handle(async ({ query: q, principal, res }) => {
      const filters = { ...q, order: listOrder(conversionSort, q) };
      if (q.format === 'csv') {
        const all = await readAllConversions(ctx, principal, filters, CSV_MAX_ROWS);
        return sendCsv(res, `conversions-${new Date().toISOString().slice(0, 10)}.csv`, conversionsCsv(principal, await conversionViews(ctx, principal, all)));
      }
      const page = await conversionViewPage(ctx, principal, { ...filters, after: q.cursor ?? null });
      return cursorPaged(page.items, page.total, q.limit, page.next);
    }),
    defineRoute({
      method: 'get',
      path: '/api/conversions/:id',
      action: 'conversions.read',
      tag: 'Conversions',
      summary: 'One conversion with its click, postbacks, status history and payout',
      description:
        'Admins see any conversion, advertisers their campaigns’ and affiliates their own (others answer 404). ' +
        'Affiliates see neither revenue, the postbacks, refused changes, nor the visitor’s data of the click; of the history they see who by role, the reason, and only notes the reviewer shared with them. ' +
        'Admins see reviewers by name and email, others by role.',
      request: { params: IdParams },
      responses: { 200: ConversionDetail },
    }).handle(({ params, principal }) => readConversionDetail(ctx, principal, params.id)),
    defineRoute({
      method: 'post',
      path: '/api/conversions/bulk-review',
      action: 'conversions.review',
      tag: 'Conversions',
      summary: 'Approve or reject many conversions with one note',
      description:
        'Up to 100 ids; each is reviewed on its own, in the order given, like `POST /api/conversions/{id}/approve` or `/reject`, and answers its own outcome: `done`, or refused with `not_found` (missing, or another advertiser’s) or `conflict` (paid out, an admin’s decision, a full cap or budget — `reason` says which). One refusal does not stop the others; the answer is 200 either way.',
      request: { body: ConversionBulkReviewBody },
      responses: { 200: ConversionBulkReviewResult },
    }).handle(async ({ body, principal }) => {
      const results = await bulkReviewConversions(ctx, principal, body.ids, body.action === 'approve' ? 'approved' : 'rejected', body.note);
      const done = results.filter((r) => r.done).length;
      return { results, done, refused: results.length - done };
    }),
    review('approve', 'approved'),
    review('reject', 'rejected'),
  ];
}
