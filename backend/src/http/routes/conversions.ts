import { ConversionDetail, ConversionEnvelope, ConversionListQuery, ConversionPage, ConversionReviewBody, IdParams } from '@offerly/contract';
import type { AppContext } from '../../context';
import { readConversionDetail } from '../../conversions/detail';
import { conversionViewPage } from '../../conversions/conversion-pages';
import { reviewConversion } from '../../conversions/review';
import { cursorPaged, withCursor } from './cursor-page';
import { listOrder, listSort } from './list-sort';
import { defineRoute, type RouteSpec } from './types';

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
        'Newest first unless `sort`/`order` say otherwise, paged with `cursor`. `total` is null when no counter answers the filters (a date range, or two ids at once). Affiliates see neither `revenueCents` nor the review history.',
      request: { query: listQuery },
      responses: { 200: ConversionPage },
    }).handle(async ({ query: q, principal }) => {
      const page = await conversionViewPage(ctx, principal, { ...q, order: listOrder(conversionSort, q), after: q.cursor ?? null });
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
    review('approve', 'approved'),
    review('reject', 'rejected'),
  ];
}
