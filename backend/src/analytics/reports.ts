import type {
  AffiliateReport,
  AffiliateReportQuery,
  BreakdownDimension,
  CampaignReport,
  CampaignReportQuery,
  CampaignReportRow,
  OverviewReport,
  ReportCurrencyTotals,
  ReportMetrics,
  ReportSeriesPoint,
} from '@offerly/contract';
import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import { notFound } from '../domain/errors';
import { addSums, emptySums, pickSums, withoutMoney, withRatios, type MetricSums } from '../domain/metrics';
import { canManageCampaign, type Principal } from '../domain/permissions';
import { assembleSeries, BucketIndex } from '../domain/report-buckets';
import type { DimScope } from '../domain/report-dim-days';
import { XDIMS, type DimRow } from '../domain/report-dims';
import type { Dim, ReportScope } from '../domain/report-scopes';
import { readCleanState } from '../rollups/clean-frontier';
import type { ReportWindow } from './query';
import { loadRawRows, oldestEventHour } from './raw-rows';
import { limitedMembers, memberLabel } from './dim-labels';
import { readDimBreakdown } from './dim-reads';
import { planRead, type ReadPlan } from './read-plan';
import { readScope, ReportDocReader, type ReportRow, type ScopeRows } from './scope-reads';

/** Report rows for affiliates hide what the advertiser pays (revenue and the platform's margin): those are null. */
export type { ReportMetrics };
export type SeriesPoint = ReportSeriesPoint;

type ReportBase = Pick<CampaignReport, 'from' | 'to' | 'granularity' | 'tz' | 'series' | 'totals' | 'freshHours'>;

function metrics(sums: MetricSums, currency: string | null, hideRevenue: boolean): ReportMetrics {
  // Only the counters: the accumulators carry more (their currencies), which is not part of a row.
  const s = pickSums(sums);
  const m = withRatios(currency === null ? withoutMoney(s) : s, currency);
  return hideRevenue ? { ...m, revenueCents: null, profitCents: null } : m;
}

function sumBy<K>(rows: ReportRow[], key: (r: ReportRow) => K): Map<K, MetricSums & { currencies: Set<string> }> {
  const out = new Map<K, MetricSums & { currencies: Set<string> }>();
  for (const r of rows) {
    const k = key(r);
    let acc = out.get(k);
    if (!acc) out.set(k, (acc = { ...emptySums(), currencies: new Set() }));
    addSums(acc, r);
    acc.currencies.add(r.currency);
  }
  return out;
}

const onlyCurrency = (set: Set<string>): string | null => (set.size === 1 ? ([...set][0] as string) : null);

const byActivity = (a: MetricSums, b: MetricSums) => b.conversions - a.conversions || b.clicks - a.clicks;

function seriesAndTotals(w: ReportWindow, rows: ReportRow[], currency: string | null, hideRevenue: boolean) {
  const index = new BucketIndex(w.fromMs, w.toMs, w.granularity, w.tz);
  const buckets = assembleSeries(index, rows);
  const series: ReportSeriesPoint[] = [];
  const totals = emptySums();
  for (const [t, s] of buckets) {
    series.push({ t: new Date(t).toISOString(), ...metrics(s, currency, hideRevenue) });
    addSums(totals, s);
  }
  return { series, totals: metrics(totals, currency, hideRevenue) };
}

function base(w: ReportWindow, rawHours: number[]): Pick<ReportBase, 'from' | 'to' | 'granularity' | 'tz' | 'freshHours'> {
  return { from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString(), granularity: w.granularity, tz: w.tz, freshHours: rawHours.length };
}

interface LoadedScope {
  rows: ScopeRows;
  rawHours: number[];
  plan: ReadPlan;
  rawDims: DimRow[];
  docs: ReportDocReader;
}

/**
 * A scope's report rows over the window, each read by `_id` from report
 * documents, with hours not rolled yet computed from raw events. Whole months
 * answer the series only where its buckets hold whole UTC days.
 */
async function loadScope(ctx: AppContext, w: ReportWindow, nowMs: number, scope: ReportScope, dims: Dim[]): Promise<LoadedScope> {
  const [clean, eventsFrom] = await Promise.all([readCleanState(ctx), oldestEventHour(ctx, ctx.config.ANALYTICS_RAW_CACHE_MS)]);
  const plan = planRead(w.fromMs, w.toMs, nowMs, clean, eventsFrom);
  const raw = await loadRawRows(ctx, plan.rawHours, ctx.config.ANALYTICS_RAW_CACHE_MS);
  const monthsForSeries = w.granularity === 'day' && w.tz === 'UTC';
  const docs = new ReportDocReader(ctx);
  return { rows: await readScope(docs, scope, plan, raw.rows, { dims, monthsForSeries }), rawHours: plan.rawHours, plan, rawDims: raw.dims, docs };
}

const isDimension = (g: string | undefined): g is BreakdownDimension => g !== undefined && g in XDIMS;

/** A scope's breakdown by a dimension, summed per value and limited (the rest as one other row), in the order shown. */
async function dimensionGroups(scope: DimScope, loaded: LoadedScope, dim: BreakdownDimension) {
  const rows = await readDimBreakdown(loaded.docs, scope, loaded.plan, loaded.rawDims, XDIMS[dim]);
  return limitedMembers(sumBy(rows, (r) => r.key));
}

/** Names by `_id`, one parallel `findOne` each (a `$in` would read the whole collection on FerretDB). */
async function userNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const users = await Promise.all(ids.map((id) => ctx.models.User.findById(id, { name: 1 }).lean()));
  return new Map(users.flatMap((u) => (u ? [[u._id, u.name] as const] : [])));
}

async function campaignNames(ctx: AppContext, ids: string[]): Promise<Map<string, { name: string; currency: string }>> {
  const cs = await Promise.all(ids.map((id) => ctx.models.Campaign.findById(id, { name: 1, currency: 1 }).lean()));
  return new Map(cs.flatMap((c) => (c ? [[c._id, { name: c.name, currency: c.currency }] as const] : [])));
}

export async function campaignReport(ctx: AppContext, p: Principal, campaignId: string, w: ReportWindow, groupBy: CampaignReportQuery['groupBy'], nowMs = Date.now()): Promise<CampaignReport> {
  const c = (await ctx.models.Campaign.findById(campaignId).lean()) as CampaignDoc | null;
  if (!c || !canManageCampaign(p, c)) throw notFound('Campaign');
  const dim = groupBy === 'affiliate' ? 'a' : groupBy === 'sub1' ? 's' : undefined;
  const loaded = await loadScope(ctx, w, nowMs, { kind: 'c', campaignId }, dim ? [dim] : []);
  const { rows, rawHours } = loaded;
  const { series, totals } = seriesAndTotals(w, rows.series, c.currency, false);
  let breakdown: CampaignReportRow[] = [];
  if (isDimension(groupBy)) {
    const groups = await dimensionGroups({ kind: 'c', campaignId }, loaded, groupBy);
    breakdown = groups.map(([key, s]) => ({ key, label: memberLabel(groupBy, key), ...metrics(s, c.currency, false) }));
  } else if (groupBy) {
    const groups = sumBy(rows.breakdowns[dim as Dim] ?? [], (r) => r.key);
    const names = groupBy === 'affiliate' ? await userNames(ctx, [...groups.keys()]) : new Map<string, string>();
    breakdown = [...groups]
      .sort(([ka, a], [kb, b]) => byActivity(a, b) || ka.localeCompare(kb))
      .map(([key, s]) => ({ key, label: groupBy === 'affiliate' ? (names.get(key) ?? key) : key || '(none)', ...metrics(s, c.currency, false) }));
  }
  return { campaign: { id: c._id, name: c.name, currency: c.currency }, ...base(w, rawHours), currency: c.currency, series, totals, breakdown };
}

/** Totals per currency, each with its own EPC (its payout over the clicks of campaigns paying in it). */
function currencyTotals(rows: ReportRow[], hideRevenue: boolean): ReportCurrencyTotals[] {
  return [...sumBy(rows, (r) => r.currency)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, s]) => {
      const m = metrics(s, currency, hideRevenue);
      return { currency, clicks: m.clicks, conversions: m.conversions, revenueCents: m.revenueCents, payoutCents: m.payoutCents, profitCents: m.profitCents, epc: m.epc };
    });
}

export async function affiliateReport(
  ctx: AppContext,
  p: Principal,
  affiliateId: string,
  campaignId: string | undefined,
  w: ReportWindow,
  nowMs = Date.now(),
  groupBy: AffiliateReportQuery['groupBy'] = 'campaign',
): Promise<AffiliateReport> {
  const hideRevenue = p.role !== 'admin';
  const scope: DimScope = campaignId ? { kind: 'ca', campaignId, affiliateId } : { kind: 'a', affiliateId };
  const loaded = await loadScope(ctx, w, nowMs, scope, campaignId || isDimension(groupBy) ? [] : ['c']);
  const { rows, rawHours } = loaded;
  const currency = onlyCurrency(new Set(rows.series.map((r) => r.currency)));
  const { series, totals } = seriesAndTotals(w, rows.series, currency, hideRevenue);
  const head = { affiliateId, ...base(w, rawHours), currency, series, totals, byCurrency: currencyTotals(rows.series, hideRevenue) };
  if (isDimension(groupBy)) {
    const groups = await dimensionGroups(scope, loaded, groupBy);
    const breakdown = groups.map(([key, s]) => {
      const cur = onlyCurrency(s.currencies);
      return { key, label: memberLabel(groupBy, key), currency: cur, ...metrics(s, cur, hideRevenue) };
    });
    return { ...head, breakdown };
  }
  const groups = campaignId ? sumBy(rows.series, () => campaignId) : sumBy(rows.breakdowns.c ?? [], (r) => r.key);
  const names = await campaignNames(ctx, [...groups.keys()]);
  const breakdown = [...groups]
    .sort(([ka, a], [kb, b]) => byActivity(a, b) || ka.localeCompare(kb))
    .map(([key, s]) => {
      const cur = onlyCurrency(s.currencies);
      return { key, label: names.get(key)?.name ?? key, currency: cur, ...metrics(s, cur, hideRevenue) };
    });
  return { ...head, breakdown };
}

export async function overviewReport(ctx: AppContext, w: ReportWindow, limit: number, nowMs = Date.now()): Promise<OverviewReport> {
  const { rows: platform, rawHours } = await loadScope(ctx, w, nowMs, { kind: 'p' }, ['c', 'a']);
  const rows = platform.series;
  const byCampaign = platform.breakdowns.c ?? [];
  const byAffiliate = platform.breakdowns.a ?? [];
  const currency = onlyCurrency(new Set(rows.map((r) => r.currency)));
  const { series, totals } = seriesAndTotals(w, rows, currency, false);
  const perCurrency = sumBy(rows, (r) => r.currency);
  const byCurrency = [...perCurrency]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cur, s]) => ({ currency: cur, revenueCents: s.revenueCents, payoutCents: s.payoutCents, profitCents: s.revenueCents - s.payoutCents }));
  const camps = [...sumBy(byCampaign, (r) => r.key)].sort(([ka, a], [kb, b]) => byActivity(a, b) || ka.localeCompare(kb)).slice(0, limit);
  const affs = [...sumBy(byAffiliate, (r) => r.key)].sort(([ka, a], [kb, b]) => byActivity(a, b) || ka.localeCompare(kb)).slice(0, limit);
  const [cNames, aNames] = await Promise.all([campaignNames(ctx, camps.map(([k]) => k)), userNames(ctx, affs.map(([k]) => k))]);
  const affCurrencies = sumBy(
    byAffiliate.filter((r) => affs.some(([k]) => k === r.key)),
    (r) => `${r.key}|${r.currency}`,
  );
  return {
    ...base(w, rawHours),
    currency,
    series,
    totals,
    byCurrency,
    topCampaigns: camps.map(([id, s]) => {
      const cur = onlyCurrency(s.currencies);
      return { id, name: cNames.get(id)?.name ?? id, currency: cur, ...metrics(s, cur, false) };
    }),
    topAffiliates: affs.map(([id, s]) => {
      const cur = onlyCurrency(s.currencies);
      const money = [...affCurrencies]
        .filter(([k]) => k.startsWith(`${id}|`))
        .map(([k, m]) => ({ currency: k.slice(id.length + 1), revenueCents: m.revenueCents, payoutCents: m.payoutCents, profitCents: m.revenueCents - m.payoutCents }))
        .sort((a, b) => a.currency.localeCompare(b.currency));
      return { id, name: aNames.get(id) ?? id, currency: cur, ...metrics(s, cur, false), byCurrency: money };
    }),
  };
}
