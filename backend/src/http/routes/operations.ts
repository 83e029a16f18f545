import { z } from 'zod';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { DAY_MS } from '../../domain/time-buckets';
import { jobRunView } from '../../job-runs/run-job';
import { reconcile } from '../../reconcile/reconcile';
import { parse } from '../middleware/validate';
import { listSort, mongoSort, sortParams } from './list-sort';
import { paged, pageQuery, route, type RouteSpec } from './types';

/** Job runs are pruned after JOB_RUN_RETENTION_DAYS, so any of these sorts reads a bounded collection. */
const jobRunSort = listSort({ fields: { startedAt: 'startedAt', job: 'job', status: 'status' }, default: { sort: 'startedAt', order: 'desc' } });

const jobRunsQuery = z
  .object({ ...pageQuery, ...sortParams(jobRunSort), job: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).optional(), status: z.enum(['running', 'succeeded', 'failed']).optional() })
  .strict();

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => Date.parse(s));
const reconcileBody = z.object({ from: instant, to: instant }).strict();

/** The API reconciles at most this much at once (the CLI has no limit). */
export const RECONCILE_API_MAX_DAYS = 31;

export function operationsRoutes(ctx: AppContext): RouteSpec[] {
  return [
    route('get', '/api/admin/job-runs', 'jobs.list', 'Scheduled and on-demand job runs, newest first', async (req, res) => {
      const q = parse(jobRunsQuery, req.query, 'query');
      const filter: Record<string, unknown> = {};
      if (q.job) filter.job = q.job;
      if (q.status) filter.status = q.status;
      const [items, total] = await Promise.all([
        ctx.models.JobRun.find(filter).sort(mongoSort(jobRunSort, q)).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
        ctx.models.JobRun.countDocuments(filter),
      ]);
      res.json(paged(items.map(jobRunView), total, q.page, q.limit));
    }),

    route('post', '/api/admin/reconcile', 'reconcile.run', 'Compare raw events with the rollups and payouts with their conversions', async (req, res) => {
      const body = parse(reconcileBody, req.body, 'body');
      if (body.to <= body.from) throw new ApiError('validation_failed', 'Invalid range', [{ path: 'to', message: 'must be after from' }]);
      if (body.to - body.from > RECONCILE_API_MAX_DAYS * DAY_MS) {
        throw new ApiError('validation_failed', 'Invalid range', [{ path: 'from', message: `at most ${RECONCILE_API_MAX_DAYS} days at once here; use npm run reconcile for longer ranges` }]);
      }
      res.json(await reconcile(ctx, { fromMs: body.from, toMs: body.to }));
    }),
  ];
}
