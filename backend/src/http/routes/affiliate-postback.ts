import { DeliveryEnvelope, DeliveryListQuery, DeliveryPage, PostbackSettings, PostbackSettingsBody } from '@offerly/contract';
import type { AppContext } from '../../context';
import { getPostbackSettings, putPostbackSettings, settingsView, testPostbackSettings } from '../../outbound/affiliate-settings';
import { deliveryView } from '../../outbound/deliver';
import { readDeliveryPage } from '../../outbound/delivery-list';
import { cursorPaged, withCursor } from './cursor-page';
import { listOrder, listSort } from './list-sort';
import { defineRoute, type RouteSpec } from './types';

/** Deliveries grow with conversions: read through day buckets in `at` order (outbound/delivery-list.ts). */
const deliverySort = listSort({ fields: { at: 'at' }, default: { sort: 'at', order: 'desc' } });
const deliveriesQuery = withCursor(DeliveryListQuery);

export function affiliatePostbackRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/affiliate/postback',
      action: 'affiliate.settings',
      tag: 'Outbound postbacks',
      summary: 'The affiliate’s outbound postback settings',
      responses: { 200: PostbackSettings },
    }).handle(async ({ principal }) => settingsView(await getPostbackSettings(ctx, principal.id))),

    defineRoute({
      method: 'put',
      path: '/api/affiliate/postback',
      action: 'affiliate.settings',
      tag: 'Outbound postbacks',
      summary: 'Set the outbound postback URL (macros allowed) and switch it on or off',
      description: 'The signing secret is created on the first save and kept afterwards. Literal private addresses and localhost are refused here (400 naming `url`); every call checks the address again.',
      request: { body: PostbackSettingsBody },
      responses: { 200: PostbackSettings },
    }).handle(async ({ body, principal }) => settingsView(await putPostbackSettings(ctx, principal.id, body))),

    defineRoute({
      method: 'post',
      path: '/api/affiliate/postback/test',
      action: 'affiliate.settings',
      tag: 'Outbound postbacks',
      summary: 'Call the outbound postback URL once now with sample values',
      description: 'The call is logged among the deliveries as a test; 409 until a postback URL is saved.',
      responses: { 200: DeliveryEnvelope },
      errors: [409],
    }).handle(async ({ principal }) => ({ delivery: deliveryView(await testPostbackSettings(ctx, principal.id)) })),

    defineRoute({
      method: 'get',
      path: '/api/affiliate/deliveries',
      action: 'affiliate.deliveries',
      tag: 'Outbound postbacks',
      summary: 'Log of outbound postback calls, newest first',
      description: 'Paged with `cursor`; `total` counts the affiliate’s calls.',
      request: { query: deliveriesQuery },
      responses: { 200: DeliveryPage },
    }).handle(async ({ query: q, principal }) => {
      const page = await readDeliveryPage(ctx, { affiliateId: principal.id, limit: q.limit, order: listOrder(deliverySort, q), after: q.cursor ?? null });
      return cursorPaged(page.rows.map(deliveryView), page.total, q.limit, page.next);
    }),
  ];
}
