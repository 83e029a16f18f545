import type { Request, Response } from 'express';
import { IdParams, PostbackAccepted, PostbackEnvelope, PostbackIntakeBody, PostbackIntakeQuery, PostbackListQuery, PostbackPage, TestPostbackSent } from '@offerly/contract';
import { loadCampaign } from '../../campaigns/campaigns';
import type { AppContext } from '../../context';
import { acceptPostback } from '../../conversions/postback-intake';
import { PostbackGuard } from '../../conversions/postback-guard';
import { sendTestPostback } from '../../conversions/test-postback';
import { findPostback } from '../../conversions/postback-lookup';
import { postbackView } from '../../conversions/views';
import { readAllPostbacks, readPostbackPage } from '../../conversions/postback-list';
import { postbackLogViews, postbacksCsv } from '../../conversions/postback-pages';
import { sendCsv } from '../send-csv';
import { ApiError, notFound } from '../../domain/errors';
import { canSeePostback } from '../../domain/permissions';
import { mergePostbackParams, postbackParamsSchema, storedParams } from '../../domain/postback-params';
import { zodDetails } from '../middleware/validate';
import { cursorPaged, withCursor } from './cursor-page';
import { listOrder, listSort } from './list-sort';
import { defineRoute, jsonOrCsv, type RouteSpec } from './types';

/** Every inbound postback is kept: read through day buckets in receivedAt order (conversions/postback-list.ts). */
const postbackSort = listSort({ fields: { receivedAt: 'receivedAt' }, default: { sort: 'receivedAt', order: 'desc' } });
const listQuery = withCursor(PostbackListQuery);

const INTAKE_DESCRIPTION = [
  'The advertiser’s server calls this (a URL template filled per sale). Parameters may come in the query string, a form body or a JSON body (the body wins); empty values count as not sent and unknown parameters are ignored.',
  'The answer only says the postback was readable and queued, not whether it will be attributed: follow it with `GET /api/track/postback/{id}`. `HEAD` (link checkers) answers 200 and records nothing.',
  'Refusals store nothing: 400 `validation_failed` for unreadable parameters (`click_id is required` when it is missing); 401 `bad_token` when the token is missing or opens no campaign; 403 `ip_not_allowed` when the campaign only accepts postbacks from other addresses; 429 `rate_limited` (with `Retry-After`) past the campaign’s budget, or past the sending address’s budget for requests without a valid token.',
].join('\n\n');

/** GET and POST /api/track/postback: the advertiser's server reports a sale. */
function intakeRoutes(ctx: AppContext): RouteSpec[] {
  const guard = new PostbackGuard(ctx);
  ctx.onClose(() => guard.close());
  ctx.metrics.counterOf('offerly_postbacks_refused_total', 'Inbound postbacks refused without being stored, by reason', 'reason', guard.refusals.totals);

  /**
   * Intake reads the parameters itself (the declared schemas let everything
   * through): a bad one is a refusal counted per address, answered with its
   * own message, and a JSON body on a GET is read as it always was.
   */
  const intake = async (query: unknown, body: unknown, req: Request, res: Response): Promise<PostbackAccepted | undefined> => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'HEAD') {
      res.status(200).end(); // link checkers probe with HEAD; that is not a postback
      return;
    }
    const ip = req.ip ?? null;
    const raw = mergePostbackParams(query, body);
    const parsed = postbackParamsSchema.safeParse(raw);
    if (!parsed.success) {
      const message = raw.click_id === undefined ? 'click_id is required' : 'Invalid postback parameters';
      return guard.refuse(ip, 'invalid_request', new ApiError('validation_failed', message, zodDetails(parsed.error)));
    }
    await guard.admit(ip, parsed.data.token);
    const id = await acceptPostback(ctx, { method: req.method, ip, params: storedParams(parsed.data) });
    return { accepted: true, id };
  };
  const intakeSpec = { path: '/api/track/postback', action: 'public' as const, tag: 'Postbacks', description: INTAKE_DESCRIPTION, errors: [401, 403, 429] };

  return [
    defineRoute({
      ...intakeSpec,
      method: 'get',
      summary: 'Inbound S2S postback (advertiser → Offerly)',
      request: { query: PostbackIntakeQuery },
      responses: { 200: PostbackAccepted },
    }).handle(async ({ query, req, res }) => intake(query, req.body, req, res)),

    defineRoute({
      ...intakeSpec,
      method: 'post',
      summary: 'Inbound S2S postback (advertiser → Offerly), parameters in a form or JSON body',
      request: { query: PostbackIntakeQuery, body: PostbackIntakeBody },
      responses: { 200: PostbackAccepted },
    }).handle(async ({ query, body, req, res }) => intake(query, body, req, res)),
  ];
}

export function postbackRoutes(ctx: AppContext): RouteSpec[] {
  return [
    ...intakeRoutes(ctx),

    defineRoute({
      method: 'get',
      path: '/api/track/postback/:id',
      action: 'postbacks.read',
      tag: 'Postbacks',
      summary: 'How an inbound postback was resolved (queued while it waits)',
      description: 'Postbacks of other advertisers’ campaigns (or of none) answer 404, like missing ones.',
      request: { params: IdParams },
      responses: { 200: PostbackEnvelope },
    }).handle(async ({ params, principal }) => {
      const pb = await findPostback(ctx, params.id);
      if (!pb || !canSeePostback(principal, pb)) throw notFound('Postback');
      return { postback: postbackView(pb) };
    }),

    defineRoute({
      method: 'get',
      path: '/api/postbacks',
      action: 'postbacks.list',
      tag: 'Postbacks',
      summary: 'Inbound postbacks: an advertiser’s own campaigns, all for admins',
      description:
        'Newest first unless `sort`/`order` say otherwise, paged with `cursor`. Filters: `campaignId`, `advertiserId` (admins), `state`, `from`/`to`; `search` finds postbacks by the exact transaction id or click id they sent. Each postback carries its `campaignName`. `total` is null with a `state` filter or dates (no counter answers them). ' +
        '`format=csv` answers every matching postback (up to 50,000) as one CSV file.',
      request: { query: listQuery },
      responses: { 200: jsonOrCsv(PostbackPage, 'A page of postbacks', 'Every matching postback as CSV (`format=csv`)') },
    }).handle(async ({ query: q, principal, res }) => {
      const filters = { ...q, order: listOrder(postbackSort, q) };
      if (q.format === 'csv') {
        const all = await readAllPostbacks(ctx, principal, filters, 50_000);
        return sendCsv(res, `postbacks-${new Date().toISOString().slice(0, 10)}.csv`, postbacksCsv(await postbackLogViews(ctx, all)));
      }
      const page = await readPostbackPage(ctx, principal, { ...filters, after: q.cursor ?? null });
      return cursorPaged(await postbackLogViews(ctx, page.rows), page.total, q.limit, page.next);
    }),

    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/test-postback',
      action: 'postbacks.test',
      tag: 'Postbacks',
      summary: 'Record a test click and send a postback for it through the pipeline',
      description:
        'The click goes on the campaign’s oldest affiliate link (409 when no affiliate has one yet). The postback runs every check of a real one but records no conversion, takes no cap place and moves no money.',
      request: { params: IdParams },
      responses: { 200: TestPostbackSent },
      errors: [409],
    }).handle(async ({ params, principal, req }) => {
      const campaign = await loadCampaign(ctx, principal, params.id, 'manage');
      return sendTestPostback(ctx, campaign, req.ip ?? null);
    }),
  ];
}
