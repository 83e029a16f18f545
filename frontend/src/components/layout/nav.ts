import type { Role } from '../../api/types';

export interface NavItem {
  to: string;
  label: string;
  icon: string;
}

/** The sidebar per role; the first entry is the role's home page. */
export const NAV: Record<Role, NavItem[]> = {
  admin: [
    { to: '/overview', label: 'Overview', icon: 'grid' },
    { to: '/affiliates', label: 'Affiliates', icon: 'users' },
    { to: '/campaigns', label: 'Campaigns', icon: 'stack' },
    { to: '/conversions', label: 'Conversions', icon: 'check' },
    { to: '/payouts', label: 'Payouts', icon: 'money' },
    { to: '/postbacks', label: 'Postback log', icon: 'swap' },
    { to: '/users', label: 'Users', icon: 'user' },
    { to: '/jobs', label: 'Job runs', icon: 'clock' },
    { to: '/queues', label: 'Queues', icon: 'queue' },
    { to: '/admin/settings', label: 'Settings', icon: 'sliders' },
    { to: '/admin/audit-log', label: 'Audit log', icon: 'scroll' },
    { to: '/settings/api-keys', label: 'API keys', icon: 'key' },
    { to: '/settings/account', label: 'Account', icon: 'user' },
  ],
  advertiser: [
    { to: '/campaigns', label: 'Campaigns', icon: 'stack' },
    { to: '/conversions', label: 'Conversions', icon: 'check' },
    { to: '/postbacks', label: 'Postback log', icon: 'swap' },
    { to: '/settings/api-keys', label: 'API keys', icon: 'key' },
    { to: '/settings/account', label: 'Account', icon: 'user' },
  ],
  affiliate: [
    { to: '/dashboard', label: 'Dashboard', icon: 'chart' },
    { to: '/offers', label: 'Offers', icon: 'tag' },
    { to: '/links', label: 'My links', icon: 'link' },
    { to: '/conversions', label: 'Conversions', icon: 'check' },
    { to: '/payouts', label: 'Payouts', icon: 'money' },
    { to: '/postback', label: 'Postback', icon: 'swap' },
    { to: '/settings/api-keys', label: 'API keys', icon: 'key' },
    { to: '/settings/account', label: 'Account', icon: 'user' },
  ],
};

export const homeFor = (role: Role) => NAV[role][0]!.to;
