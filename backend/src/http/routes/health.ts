import type { AppContext } from '../../context';
import { HealthResponse } from '@offerly/contract';
import { defineRoute, type RouteSpec } from './types';

async function timed(fn: () => Promise<unknown>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const t = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
    return { ok: true, latencyMs: Math.round((performance.now() - t) * 10) / 10 };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - t), error: (err as Error).message };
  }
}

export function healthRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/health',
      action: 'public',
      tag: 'Operations',
      summary: 'Liveness and the state of MongoDB and Redis',
      responses: { 200: HealthResponse },
    }).handle(async () => {
      const [mongo, redis] = await Promise.all([timed(() => ctx.db.command({ ping: 1 })), timed(() => ctx.redis.ping())]);
      const ok = mongo.ok && redis.ok;
      // 200 even when degraded: without Redis the click path still redirects (spool), so the instance stays useful.
      return { status: ok ? 'ok' : 'degraded', mongo, redis, uptimeSeconds: Math.round(process.uptime()) };
    }),
  ];
}
