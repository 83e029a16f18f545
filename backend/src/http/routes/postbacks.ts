import { z } from 'zod';
import { loadCampaign } from '../../campaigns/campaigns';
import type { AppContext } from '../../context';
import { acceptPostback } from '../../conversions/postback-intake';
import { PostbackGuard } from '../../conversions/postback-guard';
import { sendTestPostback } from '../../conversions/test-postback';
import { findPostback } from '../../conversions/postback-lookup';
import { postbackView } from '../../conversions/views';
import { readPostbackPage } from '../../conversions/postback-list';
import { ApiError, notFound } from '../../domain/errors';
import { canSeePostback } from '../../domain/permissions';
import { mergePostbackParams, postbackParamsSchema, storedParams } from '../../domain/postback-params';
import { parse, zodDetails } from '../middleware/validate';
import { principalOf } from '../request-context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { listSort, sortParams } from './list-sort';
import { idParam, noInput, route, type RouteSpec } from './types';

const hexId = idParam.shape.id;
/** Every inbound postback is kept: read through day buckets in receivedAt order (conversions/postback-list.ts). */
const postbackSort = listSort({ fields: { receivedAt: 'receivedAt' }, default: { sort: 'receivedAt', order: 'desc' } });
const listQuery = z
  .object({ ...cursorQuery, ...sortParams(postbackSort), campaignId: hexId.optional(), state: z.enum(['queued', 'attributed', 'status_updated', 'rejected']).optional() })
  .strict();

export function postbackRoutes(ctx: AppContext): RouteSpec[] {
  /**
   * The advertiser's server calls this. The request is only checked for being
   * readable and queued; the answer does not say whether it will be
   * attributed (see GET /api/track/postback/:id for that).
   */
  const guard = new PostbackGuard(ctx);
  ctx.onClose(() => guard.close());
  ctx.metrics.counterOf('offerly_postbacks_refused_total', 'Inbound postbacks refused without being stored, by reason', 'reason', guard.refusals.totals);

  const intake = route('get', '/api/track/postback', 'public', 'Inbound S2S postback (advertiser → Offerly)', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'HEAD') {
      res.status(200).end(); // link checkers probe with HEAD; that is not a postback
      return;
    }
    const ip = req.ip ?? null;
    const raw = mergePostbackParams(req.query, req.body);
    const parsed = postbackParamsSchema.safeParse(raw);
    if (!parsed.success) {
      const message = raw.click_id === undefined ? 'click_id is required' : 'Invalid postback parameters';
      return guard.refuse(ip, 'invalid_request', new ApiError('validation_failed', message, zodDetails(parsed.error)));
    }
    await guard.admit(ip, parsed.data.token);
    const id = await acceptPostback(ctx, { method: req.method, ip, params: storedParams(parsed.data) });
    res.json({ accepted: true, id });
  });

  return [
    intake,
    { ...intake, method: 'post' },

    route('get', '/api/track/postback/:id', 'postbacks.read', 'How an inbound postback was resolved (queued while it waits)', async (req, res) => {
      parse(noInput, req.query, 'query');
      const { id } = parse(idParam, req.params, 'params');
      const pb = await findPostback(ctx, id);
      // Postbacks of other advertisers' campaigns (or of none) answer 404, like missing ones.
      if (!pb || !canSeePostback(principalOf(req), pb)) throw notFound('Postback');
      res.json({ postback: postbackView(pb) });
    }),

    route('get', '/api/postbacks', 'postbacks.list', 'Inbound postbacks: an advertiser’s own campaigns, all for admins', async (req, res) => {
      const q = parse(listQuery, req.query, 'query');
      const p = principalOf(req);
      const order = q.order ?? (q.sort === undefined ? 'desc' : 'asc');
      const page = await readPostbackPage(ctx, p, { ...q, order, after: q.cursor ?? null });
      res.json(cursorPaged(page.rows.map(postbackView), page.total, q.limit, page.next));
    }),

    route('post', '/api/campaigns/:id/test-postback', 'postbacks.test', 'Record a test click and send a postback for it through the pipeline', async (req, res) => {
      parse(noInput, req.body, 'body');
      const { id } = parse(idParam, req.params, 'params');
      const campaign = await loadCampaign(ctx, principalOf(req), id, 'manage');
      res.json(await sendTestPostback(ctx, campaign, req.ip ?? null));
    }),
  ];
}
