import crypto from 'node:crypto';
import type { Request } from 'express';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { defineRoute, type RouteSpec } from './types';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

/**
 * Who may scrape: with METRICS_TOKEN set, whoever sends it as a Bearer token;
 * without it, only this machine (a scraper elsewhere needs the token).
 */
export function allowScrape(ctx: Pick<AppContext, 'config'>, req: Pick<Request, 'socket' | 'get'>): void {
  const token = ctx.config.METRICS_TOKEN;
  if (!token) {
    if (LOOPBACK.has(req.socket.remoteAddress ?? '')) return;
    throw new ApiError('forbidden', 'Metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere');
  }
  const header = req.get('authorization') ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const wanted = Buffer.from(token);
  if (given.length !== wanted.length || !crypto.timingSafeEqual(given, wanted)) throw new ApiError('unauthenticated', 'Send METRICS_TOKEN as a Bearer token');
}

/**
 * Prometheus metrics of this API process, plus the queues every worker
 * drains: their depth by state and BullMQ's own counts of completed and
 * failed jobs (so worker throughput shows up here too).
 */
export function metricsRoutes(ctx: AppContext): RouteSpec[] {
  ctx.metrics.gaugeOf('offerly_queue_jobs', 'Jobs per BullMQ queue and state', ['queue', 'state'], async (set) => {
    for (const q of Object.values(ctx.queues)) {
      const counts = await q.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) set({ queue: q.name, state }, counts[state] ?? 0);
    }
  });
  ctx.metrics.gaugeOf('offerly_queue_processed', 'Jobs processed by the workers since metrics began, per queue and outcome (BullMQ metrics)', ['queue', 'outcome'], async (set) => {
    for (const q of Object.values(ctx.queues)) {
      for (const outcome of ['completed', 'failed'] as const) set({ queue: q.name, outcome }, (await q.getMetrics(outcome, 0, 0)).meta.count);
    }
  });
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      action: 'public',
      tag: 'Operations',
      summary: 'Prometheus metrics (METRICS_TOKEN as Bearer, or from this machine)',
      description:
        'This API process’s metrics in the Prometheus text format, plus the depth of every queue and the jobs the workers processed. Without a session: with `METRICS_TOKEN` set, send it as `Authorization: Bearer <token>` (401 otherwise); without it, only this machine may scrape (403 otherwise).',
      responses: { 200: { mediaType: 'text/plain', description: 'Prometheus text exposition format' } },
      errors: [401, 403],
    }).handle(async ({ req, res }) => {
      allowScrape(ctx, req);
      res.setHeader('Content-Type', ctx.metrics.registry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(await ctx.metrics.registry.metrics());
    }),
  ];
}
