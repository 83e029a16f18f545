/**
 * Every API read the dashboard makes when each role opens its pages, with
 * the queries the pages send by default (frontend/src/api/*.ts and the pages
 * calling them: page 1, the page's default sort, its page size), plus the
 * report views a person switches to (hourly, by sub1, another time zone,
 * today, 30 and 90 days). Report ranges are the date picker's presets,
 * computed by the dashboard's own helpers (frontend/src/lib/time.ts).
 * Pure: no I/O, so tests cover it directly.
 */
import { addDays, presetRange, rangeToInstants, todayIn, type DayRange, type PresetId } from '../../frontend/src/lib/time';

export const READ_ROLES = ['admin', 'advertiser', 'affiliate'] as const;
export type ReadRole = (typeof READ_ROLES)[number];

export interface ReadCall {
  role: ReadRole;
  /** Key in the report, unique per role. */
  key: string;
  /** The dashboard page that makes this read. */
  page: string;
  /**
   * The GET paths of one measurement: one, or several sent in parallel (a
   * list page's live cells). Built from earlier answers of the same role
   * (`answers` by key); null when the data has nothing to open (no payout).
   */
  paths(answers: ReadonlyMap<string, unknown>): string[] | null;
}

export interface PlanIds {
  /** The campaign the admin and advertiser open (the advertiser's busiest). */
  campaignId: string;
  /** The signed-in affiliate (live counters of its own scope). */
  affiliateId: string;
  /** A campaign the affiliate promotes (its offer page). */
  offerId: string;
}

type QueryValue = string | number | undefined;

export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** The analytics query of a date-picker range, as `toReportQuery` in DateRangePicker.tsx builds it. */
export function reportQuery(range: DayRange, tz: string, granularity: 'hour' | 'day'): Record<string, string> {
  return { ...rangeToInstants(range, tz), granularity, tz };
}

export const presetQuery = (preset: PresetId, tz: string, nowMs: number) =>
  reportQuery(presetRange(preset, tz, nowMs), tz, preset === 'today' || preset === 'yesterday' ? 'hour' : 'day');

/** The last 90 days up to today, as a custom range in the picker (day granularity). */
export function lastDaysQuery(days: number, tz: string, nowMs: number): Record<string, string> {
  const today = todayIn(tz, nowMs);
  return reportQuery({ from: addDays(today, -(days - 1)), to: today }, tz, 'day');
}

const list = (sort: string, order: 'asc' | 'desc', limit: number, extra: Record<string, QueryValue> = {}) => ({ ...extra, page: 1, sort, order, limit });

/** The id of the first item of a paged answer (`{ items: [{ id }] }`), if any. */
export function firstItemId(answer: unknown): string | null {
  const items = (answer as { items?: Array<{ id?: unknown }> } | undefined)?.items;
  const id = items?.[0]?.id;
  return typeof id === 'string' ? id : null;
}

function itemIds(answer: unknown): string[] {
  const items = (answer as { items?: Array<{ id?: unknown }> } | undefined)?.items ?? [];
  return items.map((i) => i.id).filter((id): id is string => typeof id === 'string');
}

const one = (path: string) => () => [path];

/** The campaigns list with its live cells, one campaign's page (live, reports, conversions, postbacks) and the two list pages. */
function campaignPages(role: 'admin' | 'advertiser', campaignId: string, tz: string, nowMs: number): ReadCall[] {
  const report = (q: Record<string, string>, groupBy: 'affiliate' | 'sub1' = 'affiliate') => one(withQuery(`/api/analytics/campaign/${campaignId}`, { ...q, groupBy }));
  const calls: Array<Omit<ReadCall, 'role'>> = [
    { key: 'campaigns', page: '/campaigns', paths: one(withQuery('/api/campaigns', list('createdAt', 'desc', 25))) },
    {
      key: 'campaignsLiveToday',
      page: '/campaigns',
      paths: (answers) => {
        const ids = itemIds(answers.get('campaigns'));
        return ids.length ? ids.map((id) => withQuery('/api/live', { scope: 'campaign', id })) : null;
      },
    },
    { key: 'campaign', page: '/campaigns/:id', paths: one(`/api/campaigns/${campaignId}`) },
    { key: 'liveCampaign', page: '/campaigns/:id', paths: one(withQuery('/api/live', { scope: 'campaign', id: campaignId })) },
    { key: 'campaignReport7d', page: '/campaigns/:id', paths: report(presetQuery('7d', tz, nowMs)) },
    { key: 'campaignReport7dHourly', page: '/campaigns/:id', paths: report({ ...presetQuery('7d', tz, nowMs), granularity: 'hour' }) },
    { key: 'campaignReport7dBySub1', page: '/campaigns/:id', paths: report(presetQuery('7d', tz, nowMs), 'sub1') },
    { key: 'campaignReport7dNewYork', page: '/campaigns/:id', paths: report(presetQuery('7d', 'America/New_York', nowMs)) },
    { key: 'campaignReportToday', page: '/campaigns/:id', paths: report(presetQuery('today', tz, nowMs)) },
    { key: 'campaignReport30d', page: '/campaigns/:id', paths: report(presetQuery('30d', tz, nowMs)) },
    { key: 'campaignReport90d', page: '/campaigns/:id', paths: report(lastDaysQuery(90, tz, nowMs)) },
    { key: 'campaignConversions', page: '/campaigns/:id?tab=conversions', paths: one(withQuery('/api/conversions', list('convertedAt', 'desc', 25, { campaignId }))) },
    { key: 'campaignPostbacks', page: '/campaigns/:id?tab=postback', paths: one(withQuery('/api/postbacks', list('receivedAt', 'desc', 25, { campaignId }))) },
    { key: 'conversions', page: '/conversions', paths: one(withQuery('/api/conversions', list('convertedAt', 'desc', 25))) },
    { key: 'postbacks', page: '/postbacks', paths: one(withQuery('/api/postbacks', list('receivedAt', 'desc', 25))) },
  ];
  return calls.map((c) => ({ ...c, role }));
}

/** A payout's page (its lines), opened from the first row of the payouts list read before. */
const payoutDetail = (role: ReadRole): ReadCall => ({
  role,
  key: 'payout',
  page: '/payouts/:id',
  paths: (answers) => {
    const id = firstItemId(answers.get('payouts'));
    return id ? [withQuery(`/api/payouts/${id}`, list('convertedAt', 'asc', 50))] : null;
  },
});

/** Every read of every role, in the order a person would open the pages. */
export function readPlan(ids: PlanIds, nowMs: number, tz = 'UTC'): ReadCall[] {
  const me = (role: ReadRole): ReadCall => ({ role, key: 'me', page: '(every page: the session)', paths: one('/api/auth/me') });
  const admin: ReadCall[] = [
    me('admin'),
    { role: 'admin', key: 'overview7d', page: '/overview', paths: one(withQuery('/api/analytics/overview', presetQuery('7d', tz, nowMs))) },
    { role: 'admin', key: 'overview30d', page: '/overview', paths: one(withQuery('/api/analytics/overview', presetQuery('30d', tz, nowMs))) },
    { role: 'admin', key: 'livePlatform', page: '/overview', paths: one(withQuery('/api/live', { scope: 'platform', id: 'all' })) },
    { role: 'admin', key: 'affiliatesPending', page: '/affiliates', paths: one(withQuery('/api/admin/affiliates', list('createdAt', 'desc', 25, { status: 'pending' }))) },
    ...campaignPages('admin', ids.campaignId, tz, nowMs),
    { role: 'admin', key: 'payouts', page: '/payouts', paths: one(withQuery('/api/payouts', list('createdAt', 'desc', 25, { status: 'pending_approval' }))) },
    payoutDetail('admin'),
    { role: 'admin', key: 'users', page: '/users', paths: one(withQuery('/api/admin/users', list('createdAt', 'desc', 50))) },
    { role: 'admin', key: 'jobRuns', page: '/jobs', paths: one(withQuery('/api/admin/job-runs', list('startedAt', 'desc', 50))) },
    { role: 'admin', key: 'queues', page: '/queues', paths: one('/api/admin/queues/summary') },
  ];
  const advertiser: ReadCall[] = [me('advertiser'), ...campaignPages('advertiser', ids.campaignId, tz, nowMs)];
  const affiliateReport = (q: Record<string, string>) => one(withQuery('/api/analytics/affiliate', q));
  const affiliate: ReadCall[] = [
    me('affiliate'),
    { role: 'affiliate', key: 'affiliateReport7d', page: '/dashboard', paths: affiliateReport(presetQuery('7d', tz, nowMs)) },
    { role: 'affiliate', key: 'affiliateReport7dNewYork', page: '/dashboard', paths: affiliateReport(presetQuery('7d', 'America/New_York', nowMs)) },
    { role: 'affiliate', key: 'affiliateReport30d', page: '/dashboard', paths: affiliateReport(presetQuery('30d', tz, nowMs)) },
    { role: 'affiliate', key: 'liveAffiliate', page: '/dashboard', paths: one(withQuery('/api/live', { scope: 'affiliate', id: ids.affiliateId })) },
    { role: 'affiliate', key: 'offers', page: '/offers', paths: one(withQuery('/api/campaigns', list('createdAt', 'desc', 25))) },
    { role: 'affiliate', key: 'offer', page: '/offers/:id', paths: one(`/api/campaigns/${ids.offerId}`) },
    { role: 'affiliate', key: 'offerLink', page: '/offers/:id', paths: one(`/api/campaigns/${ids.offerId}/link`) },
    { role: 'affiliate', key: 'links', page: '/links', paths: one(withQuery('/api/links', list('createdAt', 'desc', 25))) },
    { role: 'affiliate', key: 'conversions', page: '/conversions', paths: one(withQuery('/api/conversions', list('convertedAt', 'desc', 25))) },
    { role: 'affiliate', key: 'payouts', page: '/payouts', paths: one(withQuery('/api/payouts', list('createdAt', 'desc', 25))) },
    payoutDetail('affiliate'),
    { role: 'affiliate', key: 'postbackSettings', page: '/postback', paths: one('/api/affiliate/postback') },
    { role: 'affiliate', key: 'deliveries', page: '/postback', paths: one(withQuery('/api/affiliate/deliveries', list('at', 'desc', 25))) },
  ];
  return [...admin, ...advertiser, ...affiliate];
}
