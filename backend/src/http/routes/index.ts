import type { AppContext } from '../../context';
import { adminRoutes } from './admin';
import { affiliatePostbackRoutes } from './affiliate-postback';
import { analyticsRoutes } from './analytics';
import { apiDocsRoutes } from './api-docs';
import { apiKeyRoutes } from './api-keys';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { campaignRoutes } from './campaigns';
import { conversionRoutes } from './conversions';
import { healthRoutes } from './health';
import { liveRoutes } from './live';
import { metricsRoutes } from './metrics';
import { operationsRoutes } from './operations';
import { payoutRoutes } from './payouts';
import { postbackRoutes } from './postbacks';
import { queueRoutes } from './queues';
import { settingsRoutes } from './settings';
import type { RouteSpec } from './types';

/** Every API route. Feature areas add their list here; the OpenAPI document describes them all (extra routes included). */
export function allRoutes(ctx: AppContext, extra: RouteSpec[] = []): RouteSpec[] {
  const routes: RouteSpec[] = [
    ...healthRoutes(ctx),
    ...authRoutes(ctx),
    ...campaignRoutes(ctx),
    ...adminRoutes(ctx),
    ...postbackRoutes(ctx),
    ...conversionRoutes(ctx),
    ...affiliatePostbackRoutes(ctx),
    ...liveRoutes(ctx),
    ...queueRoutes(ctx),
    ...analyticsRoutes(ctx),
    ...payoutRoutes(ctx),
    ...operationsRoutes(ctx),
    ...metricsRoutes(ctx),
    ...apiKeyRoutes(ctx),
    ...auditRoutes(ctx),
    ...settingsRoutes(ctx),
    ...extra,
  ];
  routes.push(...apiDocsRoutes(ctx, () => routes));
  return routes;
}
