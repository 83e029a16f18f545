import { lazy, type ComponentType, type ReactNode } from 'react';
import { matchPath } from 'react-router-dom';
import type { Role } from './api/types';

/** Pages load on demand, so the sign-in page does not wait for the chart library. */
function page<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string): ReactNode {
  const Component = lazy(async () => ({ default: (await load())[name] as ComponentType }));
  return <Component />;
}

const campaigns = () => import('./pages/campaigns/CampaignsPage');
const campaignPage = () => import('./pages/campaigns/CampaignPage');
const editors = () => import('./pages/campaigns/CampaignEditorPages');
const lists = () => import('./pages/shared/ListPages');
const payouts = () => import('./pages/shared/PayoutsPage');
const payoutDetail = () => import('./pages/shared/PayoutDetailPage');
const conversionDetail: RouteDef = { path: '/conversions/:id', element: page(() => import('./pages/shared/ConversionDetailPage'), 'ConversionDetailPage') };
const ops = () => import('./pages/admin/OperationsPages');

export interface RouteDef {
  path: string;
  element: ReactNode;
}

/** Every role manages its own API keys, password and sessions. */
const apiKeys: RouteDef = { path: '/settings/api-keys', element: page(() => import('./pages/shared/ApiKeysPage'), 'ApiKeysPage') };
const account: RouteDef = { path: '/settings/account', element: page(() => import('./pages/shared/AccountPage'), 'AccountPage') };

const campaignRoutes: RouteDef[] = [
  { path: '/campaigns', element: page(campaigns, 'CampaignsPage') },
  { path: '/campaigns/:id', element: page(campaignPage, 'CampaignPage') },
  { path: '/campaigns/:id/edit', element: page(editors, 'EditCampaignPage') },
  { path: '/conversions', element: page(lists, 'ConversionsPage') },
  conversionDetail,
  { path: '/postbacks', element: page(lists, 'PostbacksPage') },
];

/** The pages each role can open; the sidebar (components/layout/nav.ts) links to the main ones. */
export const ROUTES: Record<Role, RouteDef[]> = {
  advertiser: [...campaignRoutes, { path: '/campaigns/new', element: page(editors, 'NewCampaignPage') }, apiKeys, account],
  admin: [
    { path: '/overview', element: page(() => import('./pages/admin/OverviewPage'), 'OverviewPage') },
    { path: '/affiliates', element: page(() => import('./pages/admin/AffiliatesPage'), 'AffiliatesPage') },
    ...campaignRoutes,
    { path: '/campaigns/new', element: page(editors, 'NewCampaignPage') },
    { path: '/payouts', element: page(payouts, 'PayoutsPage') },
    { path: '/payouts/:id', element: page(payoutDetail, 'PayoutDetailPage') },
    { path: '/users', element: page(() => import('./pages/admin/UsersPage'), 'UsersPage') },
    { path: '/jobs', element: page(ops, 'JobRunsPage') },
    { path: '/queues', element: page(ops, 'QueuesPage') },
    { path: '/admin/settings', element: page(() => import('./pages/admin/SettingsPage'), 'SettingsPage') },
    { path: '/admin/audit-log', element: page(() => import('./pages/admin/AuditLogPage'), 'AuditLogPage') },
    apiKeys,
    account,
  ],
  affiliate: [
    { path: '/dashboard', element: page(() => import('./pages/affiliate/DashboardPage'), 'AffiliateDashboardPage') },
    { path: '/offers', element: page(() => import('./pages/affiliate/OffersPage'), 'OffersPage') },
    { path: '/offers/:id', element: page(() => import('./pages/affiliate/OfferPage'), 'OfferPage') },
    { path: '/links', element: page(() => import('./pages/affiliate/LinksPage'), 'LinksPage') },
    { path: '/conversions', element: page(lists, 'ConversionsPage') },
    conversionDetail,
    { path: '/payouts', element: page(payouts, 'PayoutsPage') },
    { path: '/payouts/:id', element: page(payoutDetail, 'PayoutDetailPage') },
    { path: '/postback', element: page(() => import('./pages/affiliate/PostbackSettingsPage'), 'PostbackSettingsPage') },
    apiKeys,
    account,
  ],
};

/** Whether a path (e.g. the page a signed-out visitor asked for) is one of the role's pages. */
export function canOpen(role: Role, pathWithSearch: string): boolean {
  const path = pathWithSearch.split(/[?#]/)[0] ?? '';
  return ROUTES[role].some((r) => matchPath(r.path, path) !== null);
}
