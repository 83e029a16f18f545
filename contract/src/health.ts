import { z } from 'zod';

const Probe = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });

/** Liveness: 200 even when degraded (without Redis the click path still redirects through its spool). */
export const HealthResponse = z.object({ status: z.enum(['ok', 'degraded']), mongo: Probe, redis: Probe, uptimeSeconds: z.number().int() }).meta({ id: 'Health' });
export type HealthResponse = z.infer<typeof HealthResponse>;
