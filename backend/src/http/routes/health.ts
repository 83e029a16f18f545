import { HealthResponse } from '@offerly/contract';
import type { AppContext } from '../../context';
import { healthReport } from '../../health/health-check';
import { defineRoute, type RouteSpec } from './types';

export function healthRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/health',
      action: 'public',
      tag: 'Operations',
      summary: 'Liveness and the state of MongoDB and Redis',
      description: 'Answers 200 even when degraded: without Redis the click path still redirects through its spool.',
      responses: { 200: HealthResponse },
    }).handle(async () => healthReport(ctx)),
  ];
}
