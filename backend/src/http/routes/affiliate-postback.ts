import { z } from 'zod';
import type { AppContext } from '../../context';
import { conflict } from '../../domain/errors';
import { getPostbackSettings, postbackSettingsSchema, putPostbackSettings, settingsView } from '../../outbound/affiliate-settings';
import { deliverTest, deliveryView } from '../../outbound/deliver';
import { readDeliveryPage } from '../../outbound/delivery-list';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { listSort, sortParams } from './list-sort';
import { noInput, route, type RouteSpec } from './types';

/** Deliveries grow with conversions: read through day buckets in `at` order (outbound/delivery-list.ts). */
const deliverySort = listSort({ fields: { at: 'at' }, default: { sort: 'at', order: 'desc' } });
const deliveriesQuery = z.object({ ...cursorQuery, ...sortParams(deliverySort) }).strict();

export function affiliatePostbackRoutes(ctx: AppContext): RouteSpec[] {
  return [
    route('get', '/api/affiliate/postback', 'affiliate.settings', 'The affiliate’s outbound postback settings', async (req, res) => {
      parse(noInput, req.query, 'query');
      res.json(settingsView(await getPostbackSettings(ctx, principalOf(req).id)));
    }),

    route('put', '/api/affiliate/postback', 'affiliate.settings', 'Set the outbound postback URL (macros allowed) and switch it on or off', async (req, res) => {
      const input = parse(postbackSettingsSchema, req.body, 'body');
      res.json(settingsView(await putPostbackSettings(ctx, principalOf(req).id, input)));
    }),

    route('post', '/api/affiliate/postback/test', 'affiliate.settings', 'Call the outbound postback URL once now with sample values', async (req, res) => {
      parse(noInput, req.body, 'body');
      const p = principalOf(req);
      const s = await getPostbackSettings(ctx, p.id);
      if (!s.postbackUrl || !s.postbackSecret) throw conflict('Save a postback URL first');
      res.json({ delivery: deliveryView(await deliverTest(ctx, p.id, s.postbackUrl, s.postbackSecret)) });
    }),

    route('get', '/api/affiliate/deliveries', 'affiliate.deliveries', 'Log of outbound postback calls, newest first', async (req, res) => {
      const q = parse(deliveriesQuery, req.query, 'query');
      const order = q.order ?? (q.sort === undefined ? 'desc' : 'asc');
      const page = await readDeliveryPage(ctx, { affiliateId: principalOf(req).id, limit: q.limit, order, after: q.cursor ?? null });
      res.json(cursorPaged(page.rows.map(deliveryView), page.total, q.limit, page.next));
    }),
  ];
}
