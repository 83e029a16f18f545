import { LiveQuery, LiveSnapshot } from '@offerly/contract';
import type { AppContext } from '../../context';
import { liveSnapshotFor } from '../../realtime/live-access';
import { defineRoute, type RouteSpec } from './types';

export function liveRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/live',
      action: 'analytics.live',
      tag: 'Live',
      summary: 'Live counters: the last 60 minutes and today, for the platform, a campaign or an affiliate',
      description:
        'The platform scope is for admins (403 for others); a campaign for its advertiser and admins, an affiliate for itself and admins (404 for others’ records). The affiliate scope carries no revenue. ' +
        'Updates arrive over Socket.IO (path `/socket.io`): emit `subscribe` with `{ room }` — `admin`, `campaign:<id>` or `affiliate:<id>` — and receive `live` events (LiveUpdate) to add to this snapshot.',
      request: { query: LiveQuery },
      responses: { 200: LiveSnapshot },
      errors: [404],
    }).handle(async ({ query, principal }) => liveSnapshotFor(ctx, principal, query)),
  ];
}
