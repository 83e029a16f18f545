import { z } from 'zod';
import { ALL_CAMPAIGNS, advertiserCampaigns, directoryMatcher, pageOfDirectory, readCampaignDirectory } from '../../campaigns/campaign-directory';
import { approvedAdvertisers, campaignView, changeCampaignStatus, createCampaign, loadCampaign, rotatePostbackSecret, setOverride, updateCampaign } from '../../campaigns/campaigns';
import type { AppContext } from '../../context';
import type { CampaignDoc } from '../../db/models/campaign';
import { CAMPAIGN_STATUSES, campaignCreateSchema, campaignUpdateSchema, overrideSchema, type CampaignStatus } from '../../domain/campaign-rules';
import { ApiError, forbidden } from '../../domain/errors';
import { canAllowNegativeMargin } from '../../domain/permissions';
import type { LinkDoc } from '../../db/models/link';
import { pageOfLinks, readLinkDirectory } from '../../links/link-directory';
import { findLink, getOrCreateLink, linkView } from '../../links/links';
import { parse } from '../middleware/validate';
import { principalOf } from '../request-context';
import { listSort, mongoSort, sortParams } from './list-sort';
import { idParam, noInput, paged, pageQuery, route, type RouteSpec } from './types';

const campaignSort = listSort({
  fields: { createdAt: 'createdAt', name: 'name', status: 'status', payoutModel: 'payoutModel', attributionWindowDays: 'attributionWindowDays' },
  default: { sort: 'createdAt', order: 'desc' },
});
const linkSort = listSort({ fields: { createdAt: 'createdAt' }, default: { sort: 'createdAt', order: 'desc' } });
const linksQuery = z.object({ ...pageQuery, ...sortParams(linkSort) }).strict();

const listQuery = z
  .object({
    ...pageQuery,
    ...sortParams(campaignSort),
    status: z.enum(CAMPAIGN_STATUSES).optional(),
    advertiserId: z.string().regex(/^[0-9a-f]{24}$/).optional(),
    q: z.string().trim().max(100).optional(),
  })
  .strict();

const overrideParams = z.object({ id: idParam.shape.id, affiliateId: idParam.shape.id }).strict();

export function campaignRoutes(ctx: AppContext): RouteSpec[] {
  const statusRoute = (verb: 'pause' | 'resume' | 'archive', to: CampaignStatus) =>
    route('post', `/api/campaigns/:id/${verb}`, 'campaigns.changeStatus', `${verb[0]?.toUpperCase()}${verb.slice(1)} a campaign`, async (req, res) => {
      parse(noInput, req.body, 'body');
      const { id } = parse(idParam, req.params, 'params');
      const p = principalOf(req);
      const c = await loadCampaign(ctx, p, id, 'manage');
      res.json({ campaign: campaignView(ctx, await changeCampaignStatus(ctx, c, to), p) });
    });

  return [
    route('get', '/api/campaigns', 'campaigns.list', 'Campaigns: an advertiser’s own, all for admins, active ones for affiliates', async (req, res) => {
      const q = parse(listQuery, req.query, 'query');
      const p = principalOf(req);
      const advertiserId = p.role === 'advertiser' ? p.id : p.role === 'admin' ? q.advertiserId : undefined;
      let status = q.status;
      if (p.role === 'affiliate') {
        if (q.status && q.status !== 'active') throw new ApiError('forbidden', 'Affiliates only see active campaigns');
        status = 'active';
      }
      // One directory document by _id (all campaigns, or one advertiser's), filtered, searched, sorted and
      // paged in memory; then the page's campaigns by _id, re-checked against the filter (an entry is written
      // before its campaign, so it may name one that is not stored, or not changed, yet).
      const [[sortField, dir]] = Object.entries(mongoSort(campaignSort, q)) as [[keyof typeof campaignSort.fields, 1 | -1]];
      const filter = { advertiserId, status, q: q.q };
      const entries = await readCampaignDirectory(ctx.db, advertiserId ? advertiserCampaigns(advertiserId) : ALL_CAMPAIGNS);
      const { ids, total } = pageOfDirectory(entries, { ...filter, sort: sortField, dir, page: q.page, limit: q.limit });
      const matches = directoryMatcher(filter);
      const fetched = (await Promise.all(ids.map((id) => ctx.models.Campaign.findById(id).lean()))) as Array<CampaignDoc | null>;
      let items = fetched.filter((c): c is CampaignDoc => c !== null && matches(c));
      if (p.role === 'affiliate') {
        // Offers of advertisers awaiting approval or suspended are left out of the page (read by _id per
        // advertiser shown); the total still counts them, as campaigns carry no copy of their advertiser's status.
        const live = await approvedAdvertisers(ctx, items.map((c) => c.advertiserId));
        items = items.filter((c) => live.has(c.advertiserId));
      }
      res.json(paged(items.map((c) => campaignView(ctx, c, p)), total, q.page, q.limit));
    }),

    route('post', '/api/campaigns', 'campaigns.create', 'Create a campaign', async (req, res) => {
      const input = parse(campaignCreateSchema, req.body, 'body');
      const p = principalOf(req);
      const c = await createCampaign(ctx, p.id, input);
      res.status(201).json({ campaign: campaignView(ctx, c, p) });
    }),

    route('get', '/api/campaigns/:id', 'campaigns.read', 'One campaign', async (req, res) => {
      parse(noInput, req.query, 'query');
      const { id } = parse(idParam, req.params, 'params');
      const p = principalOf(req);
      res.json({ campaign: campaignView(ctx, await loadCampaign(ctx, p, id, 'see'), p) });
    }),

    route('patch', '/api/campaigns/:id', 'campaigns.update', 'Edit a campaign', async (req, res) => {
      const { id } = parse(idParam, req.params, 'params');
      const patch = parse(campaignUpdateSchema, req.body, 'body');
      const p = principalOf(req);
      const c = await loadCampaign(ctx, p, id, 'manage');
      if (patch.allowNegativeMargin !== undefined && !canAllowNegativeMargin(p)) throw forbidden('Only an admin can allow a negative margin');
      res.json({ campaign: campaignView(ctx, await updateCampaign(ctx, c, patch, p.id), p) });
    }),

    statusRoute('pause', 'paused'),
    statusRoute('resume', 'active'),
    statusRoute('archive', 'archived'),

    route('post', '/api/campaigns/:id/rotate-secret', 'campaigns.rotateSecret', 'New postback secret; the old one works for 24 h more', async (req, res) => {
      parse(noInput, req.body, 'body');
      const { id } = parse(idParam, req.params, 'params');
      const p = principalOf(req);
      const c = await loadCampaign(ctx, p, id, 'manage');
      res.json({ campaign: campaignView(ctx, await rotatePostbackSecret(ctx, c), p) });
    }),

    route('put', '/api/campaigns/:id/overrides/:affiliateId', 'campaigns.overrides', 'Set a per-affiliate payout', async (req, res) => {
      const { id, affiliateId } = parse(overrideParams, req.params, 'params');
      const body = parse(overrideSchema, req.body, 'body');
      const p = principalOf(req);
      const c = await loadCampaign(ctx, p, id, 'manage');
      if (c.payoutModel === 'CPS' ? body.payoutBps === null : body.payoutCents === null) {
        throw new ApiError('validation_failed', 'Override does not fit the payout model', [
          { path: c.payoutModel === 'CPS' ? 'payoutBps' : 'payoutCents', message: `required for ${c.payoutModel}` },
        ]);
      }
      res.json({ campaign: campaignView(ctx, await setOverride(ctx, c, affiliateId, body), p) });
    }),

    route('delete', '/api/campaigns/:id/overrides/:affiliateId', 'campaigns.overrides', 'Remove a per-affiliate payout', async (req, res) => {
      parse(noInput, req.body, 'body');
      const { id, affiliateId } = parse(overrideParams, req.params, 'params');
      const p = principalOf(req);
      const c = await loadCampaign(ctx, p, id, 'manage');
      res.json({ campaign: campaignView(ctx, await setOverride(ctx, c, affiliateId, null), p) });
    }),

    route('get', '/api/campaigns/:id/link', 'links.get', 'The affiliate’s tracking link for a campaign (created once)', async (req, res) => {
      parse(noInput, req.query, 'query');
      const { id } = parse(idParam, req.params, 'params');
      const p = principalOf(req);
      const c = (await ctx.models.Campaign.findById(id).lean()) as CampaignDoc | null;
      const existing = c ? await findLink(ctx, c._id, p.id) : null;
      // A link already taken is still answered (it redirects to the fallback while the offer is closed).
      const open = c !== null && c.status === 'active' && (await approvedAdvertisers(ctx, [c.advertiserId])).has(c.advertiserId);
      if (!c || (!open && !existing)) throw new ApiError('not_found', 'Campaign not found');
      const link = await getOrCreateLink(ctx, c, p.id);
      res.json({ link: linkView(ctx, link) });
    }),

    route('get', '/api/links', 'links.list', 'The affiliate’s tracking links', async (req, res) => {
      const q = parse(linksQuery, req.query, 'query');
      const p = principalOf(req);
      // The affiliate's link directory by _id, sorted and paged in memory; the page's links and their
      // campaigns' names by _id (one read per distinct campaign).
      const [dir] = Object.values(mongoSort(linkSort, q)) as [1 | -1];
      const { ids, total } = pageOfLinks(await readLinkDirectory(ctx.db, p.id), dir, q.page, q.limit);
      const fetched = (await Promise.all(ids.map((id) => ctx.models.Link.findById(id).lean()))) as Array<LinkDoc | null>;
      const items = fetched.filter((l): l is LinkDoc => l !== null && l.affiliateId === p.id);
      const campaignIds = [...new Set(items.map((l) => l.campaignId))];
      const campaigns = await Promise.all(campaignIds.map((id) => ctx.models.Campaign.findById(id, { name: 1, status: 1 }).lean()));
      const names = new Map(campaigns.flatMap((c) => (c ? [[c._id, c] as const] : [])));
      res.json(paged(items.map((l) => ({ ...linkView(ctx, l), campaignName: names.get(l.campaignId)?.name ?? null, campaignStatus: names.get(l.campaignId)?.status ?? null })), total, q.page, q.limit));
    }),
  ];
}
