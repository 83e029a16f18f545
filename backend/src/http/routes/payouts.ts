import { z } from 'zod';
import { sendCsv } from '../../analytics/csv';
import type { AppContext } from '../../context';
import type { PayoutDoc } from '../../db/models/payout';
import { ApiError, notFound } from '../../domain/errors';
import type { PayoutAction } from '../../domain/payout-plan';
import { canSeeAffiliateRecord } from '../../domain/permissions';
import { jobRunView, runJob } from '../../job-runs/run-job';
import { runPayouts } from '../../payouts/run';
import { transitionPayout } from '../../payouts/transitions';
import { payoutLineView, payoutsCsv, payoutViews } from '../../payouts/views';
import { readPayoutLinePage } from '../../payouts/line-list';
import { readAllPayouts, readPayoutPage } from '../../payouts/payout-list';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { listSort, sortParams } from './list-sort';
import { idParam, noInput, route, type RouteSpec } from './types';

const VISIBLE_STATUSES = ['pending_approval', 'approved', 'paid', 'rejected'] as const;
const CSV_MAX_ROWS = 50_000;

/** One payout per affiliate and currency per run, without end: read through day buckets in createdAt order (payouts/payout-list.ts). */
const payoutSort = listSort({ fields: { createdAt: 'createdAt' }, default: { sort: 'createdAt', order: 'desc' } });
/** A payout's lines can be many (one per conversion or click day): read through day buckets in convertedAt order (a clicks line's day start; payouts/line-list.ts). */
const lineSort = listSort({ fields: { convertedAt: 'convertedAt' }, default: { sort: 'convertedAt', order: 'asc' } });
const listQuery = z
  .object({
    ...cursorQuery,
    ...sortParams(payoutSort),
    status: z.enum(VISIBLE_STATUSES).optional(),
    affiliateId: idParam.shape.id.optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();
const linesQuery = z.object({ ...cursorQuery, ...sortParams(lineSort) }).strict();
const reviewBody = z.object({ note: z.string().trim().max(500).default(''), reference: z.string().trim().max(200).optional() }).strict();

/** Names of a page's campaigns, each read by `_id` (a `$in` would scan the collection on the embedded server). */
async function campaignNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const rows = await Promise.all([...new Set(ids)].map((id) => ctx.models.Campaign.findById(id, { name: 1 }).lean()));
  return new Map(rows.flatMap((c) => (c ? [[c._id, c.name] as [string, string]] : [])));
}

export function payoutRoutes(ctx: AppContext): RouteSpec[] {
  const transition = (path: string, action: PayoutAction, summary: string) =>
    route('post', path, 'payouts.review', summary, async (req, res) => {
      const { id } = parse(idParam, req.params, 'params');
      const body = parse(reviewBody, req.body, 'body');
      if (body.reference !== undefined && action !== 'markPaid') throw new ApiError('validation_failed', 'A reference is only taken when marking a payout paid', [{ path: 'reference', message: 'only for mark-paid' }]);
      const p = await transitionPayout(ctx, id, action, principalOf(req).id, { note: body.note, reference: body.reference ?? null });
      const [view] = await payoutViews(ctx, [p]);
      res.json({ payout: view });
    });

  return [
    route('get', '/api/payouts', 'payouts.list', 'Payouts: an affiliate’s own, all for admins (filterable, CSV)', async (req, res) => {
      const q = parse(listQuery, req.query, 'query');
      const p = principalOf(req);
      let affiliateId = q.affiliateId;
      if (p.role === 'affiliate') {
        if (q.affiliateId && q.affiliateId !== p.id) throw new ApiError('forbidden', 'Affiliates see only their own payouts');
        affiliateId = p.id;
      }
      const order = q.order ?? (q.sort === undefined ? 'desc' : 'asc');
      if (q.format === 'csv') {
        const all = await readAllPayouts(ctx, { affiliateId, status: q.status, order }, CSV_MAX_ROWS);
        return sendCsv(res, `payouts-${new Date().toISOString().slice(0, 10)}.csv`, payoutsCsv(await payoutViews(ctx, all)));
      }
      const page = await readPayoutPage(ctx, { affiliateId, status: q.status, order, limit: q.limit, after: q.cursor ?? null });
      res.json(cursorPaged(await payoutViews(ctx, page.rows), page.total, q.limit, page.next));
    }),

    route('post', '/api/payouts/run', 'payouts.run', 'Run a payout now (same lock as the scheduled run)', async (req, res) => {
      parse(noInput, req.body, 'body');
      const by = principalOf(req).id;
      const outcome = await runJob(ctx, { job: 'payouts', trigger: 'manual' }, async (ctl) => ({ counts: await runPayouts(ctx, { runId: ctl.runId, by, signal: ctl.signal }) }));
      if (outcome.status === 'skipped') throw new ApiError('conflict', 'A payout run is already in progress');
      res.json({ run: jobRunView(outcome.run) });
    }),

    route('get', '/api/payouts/:id', 'payouts.read', 'One payout with its lines', async (req, res) => {
      const { id } = parse(idParam, req.params, 'params');
      const q = parse(linesQuery, req.query, 'query');
      const p = (await ctx.models.Payout.findById(id).lean()) as PayoutDoc | null;
      if (!p || p.status === 'building' || !canSeeAffiliateRecord(principalOf(req), p.affiliateId)) throw notFound('Payout');
      const page = await readPayoutLinePage(ctx, p, { limit: q.limit, order: q.order ?? 'asc', after: q.cursor ?? null });
      const names = await campaignNames(ctx, page.rows.map((l) => l.campaignId));
      const [view] = await payoutViews(ctx, [p]);
      res.json({
        payout: view,
        lines: cursorPaged(
          page.rows.map((l) => payoutLineView(l, names.get(l.campaignId) ?? null)),
          page.total,
          q.limit,
          page.next,
        ),
      });
    }),

    transition('/api/payouts/approve/:id', 'approve', 'Approve a payout'),
    transition('/api/payouts/:id/reject', 'reject', 'Reject a payout (its conversions and click earnings are released)'),
    transition('/api/payouts/:id/mark-paid', 'markPaid', 'Mark an approved payout paid, with an optional reference'),
  ];
}
