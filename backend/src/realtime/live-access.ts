import type { LiveSnapshot, LiveTarget } from '@offerly/contract';
import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import { forbidden, notFound } from '../domain/errors';
import { canManageCampaign, canSeeAffiliateRecord, type Principal } from '../domain/permissions';
import { PLATFORM_ID, readLive } from './live-counters';

/** The id of the counters a principal asks for, or the answer REST gives elsewhere: 403 for the platform, 404 for others' records. */
async function scopeIdFor(ctx: AppContext, p: Principal, target: LiveTarget): Promise<string> {
  if (target.scope === 'platform') {
    if (p.role !== 'admin') throw forbidden('Only admins see platform-wide counters');
    return PLATFORM_ID;
  }
  if (target.scope === 'campaign') {
    const c = (await ctx.models.Campaign.findById(target.id, { advertiserId: 1 }).lean()) as Pick<CampaignDoc, 'advertiserId'> | null;
    // Other advertisers' campaigns answer 404, as everywhere else.
    if (!c || !canManageCampaign(p, c)) throw notFound('Campaign');
    return target.id;
  }
  if (!canSeeAffiliateRecord(p, target.id)) throw notFound('Affiliate');
  return target.id;
}

/** GET /api/live: the last 60 minutes and today of a scope the principal may see. */
export async function liveSnapshotFor(ctx: AppContext, p: Principal, target: LiveTarget): Promise<LiveSnapshot> {
  return readLive(ctx.redis, ctx.keys, target.scope, await scopeIdFor(ctx, p, target));
}
