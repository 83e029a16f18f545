import type { AppContext } from '../context';
import type { AdminAct } from '../accounts/admin-actions';
import { recordAudit } from '../audit/audit-log';
import type { CampaignChangeDoc, CampaignDoc } from '../db/models/campaign';
import type { CampaignCreateInput } from '../domain/campaign-rules';
import { ApiError, forbidden } from '../domain/errors';
import type { Principal } from '../domain/permissions';
import { createCampaign } from './campaigns';

/** A history entry for a change `p` makes to a campaign of `advertiserId`. */
export const campaignChange = (p: Pick<Principal, 'id' | 'role'>, action: CampaignChangeDoc['action'], advertiserId: string): CampaignChangeDoc => ({
  at: new Date(),
  action,
  by: p.id,
  byRole: p.role === 'admin' ? 'admin' : 'advertiser',
  forAdvertiser: advertiserId,
});

/**
 * Whose campaign a create makes: an advertiser's own (naming another one is a
 * 403); an admin names the advertiser, which must be approved — an admin does
 * not open traffic for an account nobody approved (a 400 naming
 * `advertiserId`, like a field that does not validate).
 */
async function ownerOf(ctx: AppContext, p: Principal, advertiserId: string | undefined): Promise<string> {
  if (p.role !== 'admin') {
    if (advertiserId !== undefined && advertiserId !== p.id) throw forbidden('Advertisers create campaigns for themselves only');
    return p.id;
  }
  const bad = (message: string) => new ApiError('validation_failed', `advertiserId: ${message}`, [{ path: 'advertiserId', message }]);
  if (advertiserId === undefined) throw bad('required when an admin creates a campaign');
  const adv = await ctx.models.User.findById(advertiserId, { role: 1, status: 1 }).lean();
  if (!adv || adv.role !== 'advertiser') throw bad('not an advertiser');
  if (adv.status !== 'approved') throw bad(`the advertiser is ${adv.status}; only an approved advertiser gets campaigns from an admin`);
  return adv._id;
}

/** Creates a campaign for its advertiser, by the advertiser or by an admin on its behalf (kept in its history and the audit log). */
export async function createCampaignAs(ctx: AppContext, p: Principal, act: AdminAct, body: CampaignCreateInput): Promise<CampaignDoc> {
  const { advertiserId, ...input } = body;
  const owner = await ownerOf(ctx, p, advertiserId);
  const c = await createCampaign(ctx, owner, input, campaignChange(p, 'created', owner));
  if (p.role === 'admin') await auditActingFor(ctx, act, 'campaign.create_for', c);
  return c;
}

export const auditActingFor = (ctx: AppContext, act: AdminAct, action: string, c: CampaignDoc) =>
  recordAudit(ctx, { action, actor: act.actor, target: { type: 'campaign', id: c._id, label: c.name }, details: { advertiserId: c.advertiserId }, ip: act.ip });
