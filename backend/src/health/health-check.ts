import type { HealthResponse } from '@offerly/contract';
import type { AppContext } from '../context';

async function timed(fn: () => Promise<unknown>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const t = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
    return { ok: true, latencyMs: Math.round((performance.now() - t) * 10) / 10 };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - t), error: (err as Error).message };
  }
}

/** Pings MongoDB and Redis, each with a 2 s limit, so a frozen service shows up as degraded instead of hanging the probe. */
export async function healthReport(ctx: AppContext): Promise<HealthResponse> {
  const [mongo, redis] = await Promise.all([timed(() => ctx.db.command({ ping: 1 })), timed(() => ctx.redis.ping())]);
  // 'degraded' is still a 200: without Redis the click path still redirects (spool), so the instance stays useful.
  return { status: mongo.ok && redis.ok ? 'ok' : 'degraded', mongo, redis, uptimeSeconds: Math.round(process.uptime()) };
}
