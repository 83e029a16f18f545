import { JobRunListQuery, JobRunPage, RECONCILE_API_MAX_DAYS, ReconcileBody, ReconcileResult } from '@offerly/contract';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { DAY_MS } from '../../domain/time-buckets';
import { jobRunView } from '../../job-runs/run-job';
import { readJobRunPage } from '../../job-runs/run-list';
import { reconcile } from '../../reconcile/reconcile';
import { cursorPaged, withCursor } from './cursor-page';
import { defineRoute, type RouteSpec } from './types';

/** ~720 runs a day kept 30 days: read through day buckets in startedAt order (job-runs/run-list.ts). */
const JobRunsQuery = withCursor(JobRunListQuery);

/** The range the API reconciles: `to` after `from`, and not too long for one request. */
function checkRange(fromMs: number, toMs: number): void {
  if (toMs <= fromMs) throw new ApiError('validation_failed', 'Invalid range', [{ path: 'to', message: 'must be after from' }]);
  if (toMs - fromMs > RECONCILE_API_MAX_DAYS * DAY_MS) {
    throw new ApiError('validation_failed', 'Invalid range', [{ path: 'from', message: `at most ${RECONCILE_API_MAX_DAYS} days at once here; use npm run reconcile for longer ranges` }]);
  }
}

export function operationsRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/admin/job-runs',
      action: 'jobs.list',
      tag: 'Operations',
      summary: 'Scheduled and on-demand job runs, newest first',
      description: 'Paged with `cursor`; runs are kept `JOB_RUN_RETENTION_DAYS` days (30 by default). `status=running` lists runs still going (or whose process stopped before the next run of the job marked them failed).',
      request: { query: JobRunsQuery },
      responses: { 200: JobRunPage },
    }).handle(async ({ query }) => {
      const order = query.order ?? (query.sort === undefined ? 'desc' : 'asc');
      const page = await readJobRunPage(ctx, { limit: query.limit, job: query.job, status: query.status, order, after: query.cursor ?? null });
      return cursorPaged(page.rows.map(jobRunView), page.total, query.limit, page.next);
    }),

    defineRoute({
      method: 'post',
      path: '/api/admin/reconcile',
      action: 'reconcile.run',
      tag: 'Operations',
      summary: 'Compare raw events with the rollups and payouts with their conversions',
      description: `At most ${RECONCILE_API_MAX_DAYS} days at once (\`npm run reconcile\` takes longer ranges). Hours waiting to be rolled up again, or that ended within the hour, are listed as skipped, not compared.`,
      request: { body: ReconcileBody },
      responses: { 200: ReconcileResult },
    }).handle(async ({ body }) => {
      checkRange(body.from, body.to);
      // The lists' counters take a scan of every listed collection: only when asked for (the CLI has no time limit).
      return reconcile(ctx, { fromMs: body.from, toMs: body.to, listCounters: body.listCounters ?? false });
    }),
  ];
}
