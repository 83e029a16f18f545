import { z } from 'zod';
import type { AppContext } from '../../context';
import type { CampaignDoc } from '../../db/models/campaign';
import { forbidden, notFound } from '../../domain/errors';
import { canManageCampaign, canSeeAffiliateRecord } from '../../domain/permissions';
import { PLATFORM_ID, readLive } from '../../realtime/live-counters';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { route, type RouteSpec } from './types';

const hexId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');
const liveQuery = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('platform'), id: z.string().max(64).optional() }).strict(),
  z.object({ scope: z.literal('campaign'), id: hexId }).strict(),
  z.object({ scope: z.literal('affiliate'), id: hexId }).strict(),
]);

export function liveRoutes(ctx: AppContext): RouteSpec[] {
  return [
    route('get', '/api/live', 'analytics.live', 'Live counters: the last 60 minutes and today, for the platform, a campaign or an affiliate', async (req, res) => {
      const q = parse(liveQuery, req.query, 'query');
      const p = principalOf(req);
      let id: string;
      if (q.scope === 'platform') {
        if (p.role !== 'admin') throw forbidden('Only admins see platform-wide counters');
        id = PLATFORM_ID;
      } else if (q.scope === 'campaign') {
        const c = (await ctx.models.Campaign.findById(q.id, { advertiserId: 1 }).lean()) as Pick<CampaignDoc, 'advertiserId'> | null;
        // Other advertisers' campaigns answer 404, as everywhere else.
        if (!c || !canManageCampaign(p, c)) throw notFound('Campaign');
        id = q.id;
      } else {
        if (!canSeeAffiliateRecord(p, q.id)) throw notFound('Affiliate');
        id = q.id;
      }
      res.json(await readLive(ctx.redis, ctx.keys, q.scope, id));
    }),
  ];
}
