import type { AppContext } from '../../context';
import { adminRoutes } from './admin';
import { analyticsRoutes } from './analytics';
import { authRoutes } from './auth';
import { campaignRoutes } from './campaigns';
import { healthRoutes } from './health';
import { operationsRoutes } from './operations';
import { payoutRoutes } from './payouts';
import type { RouteSpec } from './types';

/** Every API route. Feature areas add their list here. */
export function allRoutes(ctx: AppContext): RouteSpec[] {
  return [
    ...healthRoutes(ctx),
    ...authRoutes(ctx),
    ...campaignRoutes(ctx),
    ...adminRoutes(ctx),
    ...analyticsRoutes(ctx),
    ...payoutRoutes(ctx),
    ...operationsRoutes(ctx),
  ];
}
