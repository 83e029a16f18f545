import { countStoredUsers, countUserMove, listNewUser } from '../../backend/src/accounts/user-list';
import { hashPassword } from '../../backend/src/auth/passwords';
import { putCampaignEntry, syncCampaignEntry } from '../../backend/src/campaigns/campaign-directory';
import { createCampaign } from '../../backend/src/campaigns/campaigns';
import type { AppContext } from '../../backend/src/context';
import { newId } from '../../backend/src/db/ids';
import type { CampaignDoc } from '../../backend/src/db/models/campaign';
import type { LinkDoc } from '../../backend/src/db/models/link';
import type { Role, UserStatus } from '../../backend/src/domain/permissions';
import { getOrCreateLink } from '../../backend/src/links/links';
import { ADVERTISERS, AFFILIATES, CAMPAIGNS, DEMO_PASSWORD, type DemoCampaign } from './catalog';

export interface SeededNetwork {
  adminEmail: string;
  adminPassword: string;
  advertisers: Map<string, string>; // key → user id
  affiliates: Array<{ id: string; email: string; status: UserStatus; sources: string[] }>;
  campaigns: Array<{ doc: CampaignDoc; demo: DemoCampaign; links: LinkDoc[] }>;
}

async function ensureUser(ctx: AppContext, u: { email: string; name: string; company: string; role: Role; status: UserStatus; password: string }, createdAt: Date): Promise<string> {
  const existing = await ctx.models.User.findOne({ email: u.email }).lean();
  if (existing) return existing._id;
  const _id = newId();
  // Listed before it is stored, counted once stored (backend/src/accounts/user-list.ts).
  await listNewUser(ctx.db, { _id, role: u.role, createdAt });
  const doc = await ctx.models.User.create({
    _id,
    createdAt,
    email: u.email,
    passwordHash: await hashPassword(u.password),
    role: u.role,
    status: u.status,
    name: u.name,
    company: u.company,
    statusHistory: [{ at: createdAt, by: null, from: null, to: u.status, note: 'demo account' }],
  });
  await ctx.db.collection('users').updateOne({ _id: doc._id as never }, { $set: { createdAt } });
  await countStoredUsers(ctx.db, [{ role: u.role, status: u.status }]);
  return doc._id;
}

/**
 * Creates the demo admin, advertisers, affiliates, campaigns and links if they
 * do not exist yet; finds them otherwise, so re-running changes nothing.
 */
export async function seedNetwork(ctx: AppContext, windowStart: Date): Promise<SeededNetwork> {
  const adminEmail = (ctx.config.ADMIN_EMAIL ?? 'admin@offerly.local').toLowerCase();
  const adminPassword = ctx.config.ADMIN_PASSWORD ?? 'admin-password';
  await ensureUser(ctx, { email: adminEmail, name: 'Administrator', company: 'Offerly', role: 'admin', status: 'approved', password: adminPassword }, windowStart);

  const advertisers = new Map<string, string>();
  for (const a of ADVERTISERS) {
    advertisers.set(a.key, await ensureUser(ctx, { ...a, role: 'advertiser', status: 'approved', password: DEMO_PASSWORD }, windowStart));
  }
  const affiliates: SeededNetwork['affiliates'] = [];
  for (const a of AFFILIATES) {
    // Suspended affiliates were approved while their traffic ran; links are issued before the suspension below.
    const id = await ensureUser(ctx, { ...a, role: 'affiliate', status: a.status === 'pending' ? 'pending' : 'approved', password: DEMO_PASSWORD }, windowStart);
    affiliates.push({ id, email: a.email, status: a.status, sources: a.sources });
  }

  const campaigns: SeededNetwork['campaigns'] = [];
  const earners = affiliates.filter((a) => a.status !== 'pending');
  for (const [i, demo] of CAMPAIGNS.entries()) {
    const advertiserId = advertisers.get(demo.advertiser)!;
    let doc = (await ctx.models.Campaign.findOne({ advertiserId, name: demo.input.name }).lean()) as CampaignDoc | null;
    if (!doc) {
      doc = await createCampaign(ctx, advertiserId, { description: '', ...demo.input });
      // Listed (campaigns directory) with the date it is given before it has it.
      await putCampaignEntry(ctx.db, { ...doc, createdAt: windowStart }, doc.updatedAt.getTime());
      await ctx.db.collection('campaigns').updateOne({ _id: doc._id as never }, { $set: { createdAt: windowStart } });
    }
    // Bigger campaigns are promoted by more affiliates.
    const promoters = earners.filter((_, j) => i < 3 || (j + i) % 3 !== 0);
    const links: LinkDoc[] = [];
    for (const a of promoters) links.push(await getOrCreateLink(ctx, doc, a.id));
    campaigns.push({ doc, demo, links });
  }
  const top = campaigns[0];
  if (top && earners[1]) {
    await ctx.models.Campaign.updateOne(
      { _id: top.doc._id, 'overrides.affiliateId': { $ne: earners[1].id } },
      { $push: { overrides: { affiliateId: earners[1].id, payoutCents: 3000, payoutBps: null } } },
    );
  }
  // The history prices clicks and conversions from these docs: they must be the campaigns as stored,
  // with the override just written, not the copies read before it.
  for (const c of campaigns) {
    const stored = (await ctx.models.Campaign.findById(c.doc._id).lean()) as CampaignDoc | null;
    if (!stored) throw new Error(`campaign ${c.doc._id} vanished while seeding`);
    c.doc = stored;
  }
  return { adminEmail, adminPassword, advertisers, affiliates, campaigns };
}

/** Statuses that apply at the end of the window: paused campaigns, suspended affiliates. */
export async function applyFinalStatuses(ctx: AppContext, net: SeededNetwork): Promise<void> {
  for (const c of net.campaigns) {
    if (c.demo.pausedDaysAgo !== undefined && c.doc.status === 'active') {
      await putCampaignEntry(ctx.db, { ...c.doc, status: 'paused' }, 0);
      await ctx.models.Campaign.updateOne({ _id: c.doc._id, status: 'active' }, { $set: { status: 'paused' } });
      const stored = (await ctx.models.Campaign.findById(c.doc._id).lean()) as CampaignDoc | null;
      if (stored) await syncCampaignEntry(ctx.db, stored);
    }
  }
  for (const a of net.affiliates) {
    if (a.status === 'suspended') {
      const res = await ctx.models.User.updateOne(
        { _id: a.id, status: 'approved' },
        { $set: { status: 'suspended' }, $push: { statusHistory: { at: new Date(), by: null, from: 'approved', to: 'suspended', note: 'incentivised traffic' } } },
      );
      if (res.modifiedCount === 1) await countUserMove(ctx.db, { role: 'affiliate' }, 'approved', 'suspended');
    }
  }
}
