import { countStoredUsers, countUserMove, listNewUser } from '../../backend/src/accounts/user-list';
import { hashPassword } from '../../backend/src/auth/passwords';
import { keyEmail, userIdByEmail } from '../../backend/src/accounts/email-keys';
import { advertiserCampaigns, putCampaignEntry, readCampaignDirectory, syncCampaignEntry } from '../../backend/src/campaigns/campaign-directory';
import { createCampaign } from '../../backend/src/campaigns/campaigns';
import type { AppContext } from '../../backend/src/context';
import { isDuplicateKey } from '../../backend/src/db/duplicate-key';
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

type AccountSpec = { email: string; name: string; company: string; role: Role; status: UserStatus; password: string };

/**
 * argon2 hashes, one per distinct password: the demo accounts share one
 * published password, so its hash (about a second of CPU on these cores) is
 * made once and stored in each of them, as verifiable as a hash of its own.
 */
function passwordHasher(): (plain: string) => Promise<string> {
  const hashes = new Map<string, Promise<string>>();
  return (plain) => {
    let h = hashes.get(plain);
    if (!h) hashes.set(plain, (h = hashPassword(plain)));
    return h;
  };
}

/** Finds the account by its email key (a read by `_id`), or creates it: listed, stored, keyed, counted. */
async function ensureUser(ctx: AppContext, u: AccountSpec, createdAt: Date, hash: (plain: string) => Promise<string>): Promise<string> {
  const existing = await userIdByEmail(ctx.db, u.email);
  if (existing) return existing;
  const _id = newId();
  // Listed before it is stored, counted once stored (backend/src/accounts/user-list.ts).
  await listNewUser(ctx.db, { _id, role: u.role, createdAt });
  try {
    await ctx.models.User.create({
      _id,
      createdAt,
      email: u.email,
      passwordHash: await hash(u.password),
      role: u.role,
      status: u.status,
      name: u.name,
      company: u.company,
      statusHistory: [{ at: createdAt, by: null, from: null, to: u.status, note: 'demo account' }],
    });
  } catch (err) {
    // Stored by a run interrupted before its email key (the unique email index refused this one): key that one.
    if (!isDuplicateKey(err)) throw err;
    const stored = await ctx.models.User.findOne({ email: u.email.toLowerCase() }, { _id: 1 }).lean();
    if (!stored) throw err;
    await keyEmail(ctx.db, u.email, stored._id);
    return stored._id;
  }
  await ctx.db.collection('users').updateOne({ _id: _id as never }, { $set: { createdAt } });
  await keyEmail(ctx.db, u.email, _id);
  await countStoredUsers(ctx.db, [{ role: u.role, status: u.status }]);
  return _id;
}

/** A demo campaign of the advertiser by name: the advertiser's campaigns directory (one read by `_id`), then the campaign. */
async function findDemoCampaign(ctx: AppContext, advertiserId: string, name: string): Promise<CampaignDoc | null> {
  const entries = await readCampaignDirectory(ctx.db, advertiserCampaigns(advertiserId));
  const ids = entries.filter(([, e]) => e.n === name).map(([id]) => id);
  const docs = (await Promise.all(ids.map((id) => ctx.models.Campaign.findById(id).lean()))) as Array<CampaignDoc | null>;
  return docs.find((c) => c !== null && c.advertiserId === advertiserId && c.name === name) ?? null;
}

async function ensureCampaign(ctx: AppContext, advertiserId: string, demo: DemoCampaign, windowStart: Date): Promise<CampaignDoc> {
  const found = await findDemoCampaign(ctx, advertiserId, demo.input.name);
  if (found) return found;
  const doc = await createCampaign(ctx, advertiserId, { description: '', ...demo.input });
  // Listed (campaigns directory) with the date it is given before it has it.
  await putCampaignEntry(ctx.db, { ...doc, createdAt: windowStart }, doc.updatedAt.getTime());
  await ctx.db.collection('campaigns').updateOne({ _id: doc._id as never }, { $set: { createdAt: windowStart } });
  return doc;
}

/**
 * Creates the demo admin, advertisers, affiliates, campaigns and links if they
 * do not exist yet; finds them otherwise, so re-running changes nothing.
 * Accounts, campaigns and each campaign's links are made side by side.
 */
export async function seedNetwork(ctx: AppContext, windowStart: Date): Promise<SeededNetwork> {
  const adminEmail = (ctx.config.ADMIN_EMAIL ?? 'admin@offerly.local').toLowerCase();
  const adminPassword = ctx.config.ADMIN_PASSWORD ?? 'admin-password';
  const hash = passwordHasher();
  const [, advertiserIds, affiliateIds] = await Promise.all([
    ensureUser(ctx, { email: adminEmail, name: 'Administrator', company: 'Offerly', role: 'admin', status: 'approved', password: adminPassword }, windowStart, hash),
    Promise.all(ADVERTISERS.map((a) => ensureUser(ctx, { ...a, role: 'advertiser', status: 'approved', password: DEMO_PASSWORD }, windowStart, hash))),
    // Suspended affiliates were approved while their traffic ran; links are issued before the suspension below.
    Promise.all(AFFILIATES.map((a) => ensureUser(ctx, { ...a, role: 'affiliate', status: a.status === 'pending' ? 'pending' : 'approved', password: DEMO_PASSWORD }, windowStart, hash))),
  ]);
  const advertisers = new Map(ADVERTISERS.map((a, i) => [a.key, advertiserIds[i]!]));
  const affiliates: SeededNetwork['affiliates'] = AFFILIATES.map((a, i) => ({ id: affiliateIds[i]!, email: a.email, status: a.status, sources: a.sources }));

  const earners = affiliates.filter((a) => a.status !== 'pending');
  const campaigns: SeededNetwork['campaigns'] = await Promise.all(
    CAMPAIGNS.map(async (demo, i) => {
      const doc = await ensureCampaign(ctx, advertisers.get(demo.advertiser)!, demo, windowStart);
      // Bigger campaigns are promoted by more affiliates.
      const promoters = earners.filter((_, j) => i < 3 || (j + i) % 3 !== 0);
      const links: LinkDoc[] = await Promise.all(promoters.map((a) => getOrCreateLink(ctx, doc, a.id)));
      return { doc, demo, links };
    }),
  );
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
