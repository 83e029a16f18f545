import {
  CampaignEnvelope,
  CampaignListQuery,
  CampaignPage,
  IdParams,
  LinkListQuery,
  OverrideParams,
  PayoutOverrideBody,
  TrackingLinkEnvelope,
  TrackingLinkPage,
  type CampaignSortField,
} from '@offerly/contract';
import type { DirectorySortField } from '../../campaigns/campaign-directory';
import { campaignsCsv } from '../../campaigns/campaigns-csv';
import { listCampaigns } from '../../campaigns/campaign-list';
import { adminActOf } from '../../accounts/admin-actions';
import { auditActingFor, campaignChange, createCampaignAs } from '../../campaigns/acting-for';
import { campaignViewOf, campaignViews, changeCampaignStatus, loadCampaign, rotatePostbackSecret, setOverride, updateCampaign } from '../../campaigns/campaigns';
import type { AppContext } from '../../context';
import { campaignCreateSchema, campaignUpdateSchema, type CampaignStatus } from '../../domain/campaign-rules';
import { ApiError, forbidden } from '../../domain/errors';
import { canAllowNegativeMargin } from '../../domain/permissions';
import { listLinks } from '../../links/link-list';
import { affiliateLink, linkView } from '../../links/links';
import { listSort, mongoSort } from './list-sort';
import { sendCsv } from '../send-csv';
import { defineRoute, jsonOrCsv, paged, type RouteSpec } from './types';

/** The campaigns directory keeps every field the list sorts on, under the API's names. */
const CAMPAIGN_SORT_FIELDS: Record<CampaignSortField, DirectorySortField> = {
  createdAt: 'createdAt',
  name: 'name',
  status: 'status',
  payoutModel: 'payoutModel',
  attributionWindowDays: 'attributionWindowDays',
};
const campaignSort = listSort({ fields: CAMPAIGN_SORT_FIELDS, default: { sort: 'createdAt', order: 'desc' } });
const linkSort = listSort({ fields: { createdAt: 'createdAt' }, default: { sort: 'createdAt', order: 'desc' } });

const TAG = 'Campaigns';
/** The CSV reads each campaign by `_id` (and its advertiser's name once): a network's whole directory, bounded by this. */
const CSV_MAX_CAMPAIGNS = 5_000;
/** How the campaign's history names a change to each status. */
const STATUS_ACTIONS = { active: 'resumed', paused: 'paused', archived: 'archived' } as const;
/** Changes a campaign's state does not allow (archived, a concurrent change) answer 409. */
const CONFLICT = [409];

export function campaignRoutes(ctx: AppContext): RouteSpec[] {
  return [...campaignRecordRoutes(ctx), ...campaignStateRoutes(ctx), ...overrideRoutes(ctx), ...linkRoutes(ctx)];
}

function campaignRecordRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/campaigns',
      action: 'campaigns.list',
      tag: TAG,
      summary: 'Campaigns: an advertiser’s own, all for admins, active ones for affiliates (filterable, CSV)',
      description:
        'Filters: `status`, `payoutModel`, `q` (part of the name), `advertiserId` (admins). Advertisers and admins get each campaign’s `advertiserName`. Affiliates get active campaigns of approved advertisers only (asking for another status is a 403); the total still counts offers of advertisers awaiting approval or suspended, which the page leaves out. `format=csv` answers every matching campaign (up to 5,000) as one CSV file.',
      request: { query: CampaignListQuery },
      responses: { 200: jsonOrCsv(CampaignPage, 'A page of campaigns', 'Every matching campaign as CSV (`format=csv`), amounts as decimals') },
    }).handle(async ({ query: q, principal, res }) => {
      const [[sort, dir]] = Object.entries(mongoSort(campaignSort, q)) as [[DirectorySortField, 1 | -1]];
      const filter = { status: q.status, advertiserId: q.advertiserId, payoutModel: q.payoutModel, q: q.q, sort, dir };
      if (q.format === 'csv') {
        const { items } = await listCampaigns(ctx, principal, { ...filter, page: 1, limit: CSV_MAX_CAMPAIGNS });
        return sendCsv(res, `campaigns-${new Date().toISOString().slice(0, 10)}.csv`, campaignsCsv(await campaignViews(ctx, items, principal)));
      }
      const { items, total } = await listCampaigns(ctx, principal, { ...filter, page: q.page, limit: q.limit });
      return paged(await campaignViews(ctx, items, principal), total, q.page, q.limit);
    }),

    defineRoute({
      method: 'post',
      path: '/api/campaigns',
      action: 'campaigns.create',
      tag: TAG,
      summary: 'Create a campaign (an admin: for an advertiser)',
      description:
        'Fields left out take their defaults; the fields the payout model needs must be set, and payouts may not exceed revenue. An admin names the approved advertiser in `advertiserId` (400 otherwise); the campaign’s history and the audit log record that the admin created it for that advertiser. An advertiser naming another advertiser is a 403.',
      request: { body: campaignCreateSchema },
      responses: { 201: CampaignEnvelope },
    }).handle(async ({ body, principal, req }) => ({ campaign: await campaignViewOf(ctx, await createCampaignAs(ctx, principal, adminActOf(req), body), principal) })),

    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id',
      action: 'campaigns.read',
      tag: TAG,
      summary: 'One campaign',
      description: 'Campaigns the caller may not see answer 404, so other advertisers’ campaign ids do not leak.',
      request: { params: IdParams },
      responses: { 200: CampaignEnvelope },
    }).handle(async ({ params, principal }) => ({ campaign: await campaignViewOf(ctx, await loadCampaign(ctx, principal, params.id, 'see'), principal) })),

    defineRoute({
      method: 'patch',
      path: '/api/campaigns/:id',
      action: 'campaigns.update',
      tag: TAG,
      summary: 'Edit a campaign',
      description:
        'Names only what changes (caps too: the others keep their values). The merged terms are checked again; the currency is fixed once the campaign has conversions (409); archived campaigns cannot be edited (409). Only admins may set `allowNegativeMargin`. The campaign’s `history` records who changed which fields (an admin: on the advertiser’s behalf, also in the audit log).',
      request: { params: IdParams, body: campaignUpdateSchema },
      responses: { 200: CampaignEnvelope },
      errors: CONFLICT,
    }).handle(async ({ params, body, principal, req }) => {
      const c = await loadCampaign(ctx, principal, params.id, 'manage');
      if (body.allowNegativeMargin !== undefined && !canAllowNegativeMargin(principal)) throw forbidden('Only an admin can allow a negative margin');
      // Every edit goes into the campaign's history; an admin's is made on the advertiser's behalf, which the audit log keeps too.
      const byAdmin = principal.role === 'admin';
      const updated = await updateCampaign(ctx, c, body, principal.id, campaignChange(principal, 'edited', c.advertiserId));
      if (byAdmin) await auditActingFor(ctx, adminActOf(req), 'campaign.edit_for', updated);
      return { campaign: await campaignViewOf(ctx, updated, principal) };
    }),
  ];
}

function campaignStateRoutes(ctx: AppContext): RouteSpec[] {
  const statusRoute = (verb: 'pause' | 'resume' | 'archive', to: CampaignStatus, description: string) =>
    defineRoute({
      method: 'post',
      path: `/api/campaigns/:id/${verb}`,
      action: 'campaigns.changeStatus',
      tag: TAG,
      summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} a campaign`,
      description,
      request: { params: IdParams },
      responses: { 200: CampaignEnvelope },
      errors: CONFLICT,
    }).handle(async ({ params, principal }) => {
      const c = await loadCampaign(ctx, principal, params.id, 'manage');
      const change = campaignChange(principal, STATUS_ACTIONS[to], c.advertiserId);
      return { campaign: await campaignViewOf(ctx, await changeCampaignStatus(ctx, c, to, change), principal) };
    });

  return [
    statusRoute('pause', 'paused', 'Clicks go to the fallback URL while paused. 409 unless the campaign is active.'),
    statusRoute('resume', 'active', 'Takes traffic again. 409 unless the campaign is paused.'),
    statusRoute('archive', 'archived', 'Final: an archived campaign cannot be edited, resumed or get new secrets or overrides. 409 if it is archived already.'),

    defineRoute({
      method: 'post',
      path: '/api/campaigns/:id/rotate-secret',
      action: 'campaigns.rotateSecret',
      tag: TAG,
      summary: 'New postback secret; the old one works for 24 h more',
      request: { params: IdParams },
      responses: { 200: CampaignEnvelope },
      errors: CONFLICT,
    }).handle(async ({ params, principal }) => {
      const c = await loadCampaign(ctx, principal, params.id, 'manage');
      return { campaign: await campaignViewOf(ctx, await rotatePostbackSecret(ctx, c), principal) };
    }),
  ];
}

function overrideRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'put',
      path: '/api/campaigns/:id/overrides/:affiliateId',
      action: 'campaigns.overrides',
      tag: TAG,
      summary: 'Set a per-affiliate payout',
      description: '`payoutCents` for CPA, CPL and CPC campaigns, `payoutBps` for CPS; it may not exceed the campaign’s revenue unless an admin allowed a negative margin. 404 for an id that is not an affiliate.',
      request: { params: OverrideParams, body: PayoutOverrideBody },
      responses: { 200: CampaignEnvelope },
      errors: CONFLICT,
    }).handle(async ({ params, body, principal }) => {
      const c = await loadCampaign(ctx, principal, params.id, 'manage');
      if (c.payoutModel === 'CPS' ? body.payoutBps === null : body.payoutCents === null) {
        throw new ApiError('validation_failed', 'Override does not fit the payout model', [
          { path: c.payoutModel === 'CPS' ? 'payoutBps' : 'payoutCents', message: `required for ${c.payoutModel}` },
        ]);
      }
      return { campaign: await campaignViewOf(ctx, await setOverride(ctx, c, params.affiliateId, body), principal) };
    }),

    defineRoute({
      method: 'delete',
      path: '/api/campaigns/:id/overrides/:affiliateId',
      action: 'campaigns.overrides',
      tag: TAG,
      summary: 'Remove a per-affiliate payout',
      request: { params: OverrideParams },
      responses: { 200: CampaignEnvelope },
      errors: CONFLICT,
    }).handle(async ({ params, principal }) => {
      const c = await loadCampaign(ctx, principal, params.id, 'manage');
      return { campaign: await campaignViewOf(ctx, await setOverride(ctx, c, params.affiliateId, null), principal) };
    }),
  ];
}

function linkRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/campaigns/:id/link',
      action: 'links.get',
      tag: 'Links',
      summary: 'The affiliate’s tracking link for a campaign (created once)',
      description:
        'Issued on first request while the offer is open (active, its advertiser approved), then the same link every time. A link already issued is still answered while the offer is closed (it redirects to the fallback); a new one is a 404 then.',
      request: { params: IdParams },
      responses: { 200: TrackingLinkEnvelope },
      errors: [409],
    }).handle(async ({ params, principal }) => ({ link: linkView(ctx, await affiliateLink(ctx, params.id, principal.id)) })),

    defineRoute({
      method: 'get',
      path: '/api/links',
      action: 'links.list',
      tag: 'Links',
      summary: 'The affiliate’s tracking links',
      request: { query: LinkListQuery },
      responses: { 200: TrackingLinkPage },
    }).handle(async ({ query: q, principal }) => {
      const [dir] = Object.values(mongoSort(linkSort, q)) as [1 | -1];
      const { items, total } = await listLinks(ctx, principal.id, dir, q.page, q.limit);
      return paged(items, total, q.page, q.limit);
    }),
  ];
}
