/**
 * The one place that says who may do what. Every route names an action from
 * this map; a test walks every route × role against it.
 */
export const ROLES = ['admin', 'advertiser', 'affiliate'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const ADV_ADMIN: readonly Role[] = ['advertiser', 'admin'];
const AFF_ADMIN: readonly Role[] = ['affiliate', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
const AFFILIATE: readonly Role[] = ['affiliate'];

export const PERMISSIONS = {
  'auth.me': ALL,
  'auth.logout': ALL,
  'auth.changePassword': ALL,
  'auth.signOutOthers': ALL,
  'campaigns.list': ALL,
  'campaigns.read': ALL,
  'campaigns.create': ADV_ADMIN,
  'campaigns.update': ADV_ADMIN,
  'campaigns.changeStatus': ADV_ADMIN,
  'campaigns.rotateSecret': ADV_ADMIN,
  'campaigns.overrides': ADV_ADMIN,
  'links.get': AFFILIATE,
  'links.list': AFFILIATE,
  'admin.affiliates.list': ADMIN,
  'admin.affiliates.review': ADMIN,
  'admin.users.list': ADMIN,
  'admin.users.review': ADMIN,
  'admin.users.resetPassword': ADMIN,
  'postbacks.read': ADV_ADMIN,
  'postbacks.list': ADV_ADMIN,
  'postbacks.test': ADV_ADMIN,
  'conversions.list': ALL,
  'conversions.read': ALL,
  'conversions.review': ADV_ADMIN,
  'affiliate.settings': AFFILIATE,
  'affiliate.deliveries': AFFILIATE,
  'analytics.campaign': ADV_ADMIN,
  'analytics.affiliate': AFF_ADMIN,
  'analytics.campaignClicks': ADV_ADMIN,
  'analytics.affiliateClicks': AFF_ADMIN,
  'analytics.overview': ADMIN,
  'analytics.live': ALL,
  'payouts.list': AFF_ADMIN,
  'payouts.read': AFF_ADMIN,
  'payouts.review': ADMIN,
  'payouts.run': ADMIN,
  'jobs.list': ADMIN,
  'reconcile.run': ADMIN,
  'queues.view': ADMIN,
  'apiKeys.list': ALL,
  'apiKeys.create': ALL,
  'apiKeys.revoke': ALL,
  'audit.read': ADMIN,
  'settings.read': ADMIN,
  'settings.update': ADMIN,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

/**
 * Affiliates that are not approved may only look at their own account (and
 * secure it: change the password, end other sessions); they
 * may also see and revoke their API keys (taking access away is never
 * closed), but not create one.
 */
const OPEN_TO_UNAPPROVED_AFFILIATES: ReadonlySet<Action> = new Set<Action>(['auth.me', 'auth.logout', 'auth.changePassword', 'auth.signOutOthers', 'apiKeys.list', 'apiKeys.revoke']);

export type UserStatus = 'pending' | 'approved' | 'rejected' | 'suspended';

export interface Principal {
  id: string;
  role: Role;
  status: UserStatus;
}

/**
 * A suspended or rejected advertiser keeps read access to its own records
 * (money it owes or is owed is still being settled) but changes nothing. The
 * list names what stays open, so an action added later is closed to them
 * until someone decides otherwise. A pending advertiser is not limited here:
 * it may prepare campaigns, which get no traffic until an admin approves it
 * (tracking/link-cache, domain/click-rules).
 */
const OPEN_TO_INACTIVE_ADVERTISERS: ReadonlySet<Action> = new Set<Action>([
  'auth.me',
  'auth.logout',
  'auth.changePassword',
  'auth.signOutOthers',
  'campaigns.list',
  'campaigns.read',
  'postbacks.read',
  'postbacks.list',
  'conversions.list',
  'conversions.read',
  'analytics.campaign',
  'analytics.live',
  'apiKeys.list',
  'apiKeys.revoke',
]);

export type Decision = 'allow' | 'deny_role' | 'deny_unapproved' | 'deny_inactive_advertiser';

export function decide(principal: Pick<Principal, 'role' | 'status'>, action: Action): Decision {
  const roles: readonly Role[] = PERMISSIONS[action];
  if (!roles.includes(principal.role)) return 'deny_role';
  if (principal.role === 'affiliate' && principal.status !== 'approved' && !OPEN_TO_UNAPPROVED_AFFILIATES.has(action)) {
    return 'deny_unapproved';
  }
  if (principal.role === 'advertiser' && (principal.status === 'suspended' || principal.status === 'rejected') && !OPEN_TO_INACTIVE_ADVERTISERS.has(action)) {
    return 'deny_inactive_advertiser';
  }
  return 'allow';
}

export function isAction(value: string): value is Action {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

// Resource rules: what a role may see once the action itself is allowed.

export interface CampaignRef {
  advertiserId: string;
  status: 'active' | 'paused' | 'archived';
}

export function canSeeCampaign(p: Principal, c: CampaignRef): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'advertiser') return c.advertiserId === p.id;
  return c.status === 'active';
}

/** Letting a campaign pay affiliates more than it earns is an admin's call, never the advertiser's. */
export const canAllowNegativeMargin = (p: Principal): boolean => p.role === 'admin';

export function canManageCampaign(p: Principal, c: Pick<CampaignRef, 'advertiserId'>): boolean {
  return p.role === 'admin' || (p.role === 'advertiser' && c.advertiserId === p.id);
}

/** Affiliate-owned records (links, conversions, payouts, stats). */
export function canSeeAffiliateRecord(p: Principal, affiliateId: string): boolean {
  return p.role === 'admin' || (p.role === 'affiliate' && p.id === affiliateId);
}

/**
 * Inbound postbacks: admins see every one; an advertiser those of its own
 * campaigns, including queued ones (by the campaign their token opens). One
 * that belongs to no campaign (a bad token) is for admins only.
 */
export function canSeePostback(p: Principal, pb: { advertiserId: string | null }): boolean {
  return p.role === 'admin' || (p.role === 'advertiser' && pb.advertiserId !== null && pb.advertiserId === p.id);
}

/** Socket.IO rooms follow the same rules as the REST resources behind them. */
export type RoomRef = { kind: 'admin' } | { kind: 'campaign'; campaign: Pick<CampaignRef, 'advertiserId'> } | { kind: 'affiliate'; affiliateId: string };

export function canJoinRoom(p: Principal, room: RoomRef): boolean {
  switch (room.kind) {
    case 'admin':
      return p.role === 'admin';
    case 'campaign':
      return canManageCampaign(p, room.campaign);
    case 'affiliate':
      return p.role === 'admin' || (p.role === 'affiliate' && p.status === 'approved' && p.id === room.affiliateId);
  }
}
