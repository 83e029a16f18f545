import { z } from 'zod';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { DAY_MS } from '../../domain/time-buckets';
import { jobRunView } from '../../job-runs/run-job';
import { readJobRunPage } from '../../job-runs/run-list';
import { reconcile } from '../../reconcile/reconcile';
import { parse } from '../middleware/validate';
import { cursorPaged, cursorQuery } from './cursor-page';
import { listSort, sortParams } from './list-sort';
import { route, type RouteSpec } from './types';

/** ~720 runs a day kept 30 days: read through day buckets in startedAt order (job-runs/run-list.ts). */
const jobRunSort = listSort({ fields: { startedAt: 'startedAt' }, default: { sort: 'startedAt', order: 'desc' } });

const jobRunsQuery = z
  .object({ ...cursorQuery, ...sortParams(jobRunSort), job: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).optional(), status: z.enum(['running', 'succeeded', 'failed']).optional() })
  .strict();

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => Date.parse(s));
const reconcileBody = z.object({ from: instant, to: instant, listCounters: z.boolean().optional() }).strict();

/** The API reconciles at most this much at once (the CLI has no limit). */
export const RECONCILE_API_MAX_DAYS = 31;

export function operationsRoutes(ctx: AppContext): RouteSpec[] {
  return [
    route('get', '/api/admin/job-runs', 'jobs.list', 'Scheduled and on-demand job runs, newest first', async (req, res) => {
      const q = parse(jobRunsQuery, req.query, 'query');
      const order = q.order ?? (q.sort === undefined ? 'desc' : 'asc');
      const page = await readJobRunPage(ctx, { ...q, order, after: q.cursor ?? null });
      res.json(cursorPaged(page.rows.map(jobRunView), page.total, q.limit, page.next));
    }),

    route('post', '/api/admin/reconcile', 'reconcile.run', 'Compare raw events with the rollups and payouts with their conversions', async (req, res) => {
      const body = parse(reconcileBody, req.body, 'body');
      if (body.to <= body.from) throw new ApiError('validation_failed', 'Invalid range', [{ path: 'to', message: 'must be after from' }]);
      if (body.to - body.from > RECONCILE_API_MAX_DAYS * DAY_MS) {
        throw new ApiError('validation_failed', 'Invalid range', [{ path: 'from', message: `at most ${RECONCILE_API_MAX_DAYS} days at once here; use npm run reconcile for longer ranges` }]);
      }
      // The lists' counters take a scan of every listed collection: only when asked for (the CLI has no time limit).
      res.json(await reconcile(ctx, { fromMs: body.from, toMs: body.to, listCounters: body.listCounters ?? false }));
    }),
  ];
}
