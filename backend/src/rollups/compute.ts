import type { AppContext } from '../context';
import { CLICK_VALUE_FIELDS, emptyStatValues, type StatKeys, type StatValues } from '../db/models/stats';
import { hourDimRecords, hourRowRecords } from '../db/rollup-state';
import { rowFromSignature } from './row-signature';
import { conversionsOfHours } from '../db/conversion-hours';
import { groupDocsMany, groupSumMany, type Group } from '../db/group-sum';
import { clicksCollectionName, partitionKey } from '../db/raw-events';
import { ALL_XDIMS, decodeDimRow, DIM_CLICK_VALUES, DIM_VALUE_FIELDS, dimRowId, memberValue, XDIM_FIELD, type DimRow, type XDim } from '../domain/report-dims';
import { dayKey, hourKey } from '../domain/time-buckets';

/** One stats bucket computed from raw events: hour × campaign × affiliate (× sub1). */
export interface StatRow extends StatValues, StatKeys {
  hour: number;
}

export interface RawScope {
  campaignId?: string;
  affiliateId?: string;
}

export const hourlyStatId = (hourMs: number, campaignId: string, affiliateId: string, sub1: string) =>
  `${new Date(hourMs).toISOString()}|${campaignId}|${affiliateId}|${sub1}`;

interface GroupKey {
  c: string;
  a: string;
  adv: string;
  cur: string;
  s?: string | null;
}

function scopeMatch(scope: RawScope | undefined): Record<string, string> {
  const m: Record<string, string> = {};
  if (scope?.campaignId) m.campaignId = scope.campaignId;
  if (scope?.affiliateId) m.affiliateId = scope.affiliateId;
  return m;
}

async function trackSub1Campaigns(ctx: AppContext): Promise<Set<string>> {
  return new Set((await ctx.models.Campaign.find({ trackSub1: true }, { _id: 1 }).lean()).map((c) => c._id));
}

function statGroupKeys(trackSub1: ReadonlySet<string>): Record<string, string> {
  return { h: 'hour', c: 'campaignId', a: 'affiliateId', adv: 'advertiserId', cur: 'currency', ...(trackSub1.size > 0 ? { s: 'sub1' } : {}) };
}

const CONVERSION_SUMS = {
  ap: 'approved',
  pe: 'pending',
  rj: 'rejected',
  ra: 'revApprovedCents',
  rp: 'revPendingCents',
  pa: 'payApprovedCents',
  pp: 'payPendingCents',
} as const;

/** Grouping keys of the dimension rows: hour × campaign × affiliate × currency × the dimension's value. */
const dimGroupKeys = (dim: XDim): Record<string, string> => ({ h: 'hour', c: 'campaignId', a: 'affiliateId', cur: 'currency', v: XDIM_FIELD[dim] });

/** The stats grouping (`base`) and one grouping per breakdown dimension, computed in one pass over the same events. */
function groupKeySets(trackSub1: ReadonlySet<string>): Record<'base' | XDim, Record<string, string>> {
  return { base: statGroupKeys(trackSub1), ...(Object.fromEntries(ALL_XDIMS.map((d) => [d, dimGroupKeys(d)])) as Record<XDim, Record<string, string>>) };
}

type ConversionGroupList = Array<Group<string, keyof typeof CONVERSION_SUMS>>;

/** Conversions of some hours grouped by stats key and by each breakdown dimension, ready for `computeRawRows`. */
export type ConversionGroups = Record<'base' | XDim, ConversionGroupList>;

/**
 * Groups the conversions of `hours` by stats key, reading each hour's
 * conversions by `_id` through its bucket of ids (never the whole collection).
 */
export async function groupConversions(ctx: AppContext, hours: number[], scope?: RawScope): Promise<ConversionGroups> {
  const keySets = groupKeySets(await trackSub1Campaigns(ctx));
  if (hours.length === 0) return groupDocsMany([], keySets, CONVERSION_SUMS);
  const docs = (await conversionsOfHours(ctx.db, hours)).filter(
    (d) => (!scope?.campaignId || d.campaignId === scope.campaignId) && (!scope?.affiliateId || d.affiliateId === scope.affiliateId),
  );
  return groupDocsMany(docs, keySets, CONVERSION_SUMS);
}

/** Dimension rows being summed, by `dimRowId`. */
class DimSums {
  readonly rows = new Map<string, DimRow>();

  rowFor(hour: number, dim: XDim, k: Record<string, unknown>): DimRow {
    const key = { hour, campaignId: String(k.c), affiliateId: String(k.a), currency: String(k.cur), dim, key: memberValue(k.v) };
    const id = dimRowId(key);
    let row = this.rows.get(id);
    if (!row) this.rows.set(id, (row = { ...key, v: DIM_VALUE_FIELDS.map(() => 0) }));
    return row;
  }
}

/** Stats rows being summed, by `hourlyStatId`: a row appears with its first value. */
class RowSums {
  readonly rows = new Map<string, StatRow>();

  constructor(private readonly trackSub1: ReadonlySet<string>) {}

  rowFor(hourMs: number, k: GroupKey): StatRow {
    const sub1 = this.trackSub1.has(k.c) ? (k.s ?? '') : '';
    const id = hourlyStatId(hourMs, k.c, k.a, sub1);
    let row = this.rows.get(id);
    if (!row) {
      row = { hour: hourMs, campaignId: k.c, affiliateId: k.a, advertiserId: k.adv, currency: k.cur, sub1, ...emptyStatValues() };
      this.rows.set(id, row);
    }
    return row;
  }
}

const groupRow = (sums: RowSums, k: Record<string, unknown>): StatRow => sums.rowFor(new Date(k.h as Date).getTime(), k as unknown as GroupKey);

const CLICK_SUMS = { n: 1, u: 'unique', i: 'invalid', r: 'revenueCents', p: 'payoutCents' } as const;

function hoursByDay(sorted: number[]): Map<string, number[]> {
  const byDay = new Map<string, number[]>();
  for (const h of sorted) {
    const d = dayKey(h);
    const list = byDay.get(d);
    if (list) list.push(h);
    else byDay.set(d, [h]);
  }
  return byDay;
}

type ClickGroups = Record<'base' | XDim, Array<Group<string, keyof typeof CLICK_SUMS>>>;

function addClickGroups(sums: Sums, all: ClickGroups): void {
  for (const dim of ALL_XDIMS) {
    for (const g of all[dim]) {
      const row = sums.dims.rowFor(new Date(g.key.h as Date).getTime(), dim, g.key);
      const { n, u, i, r, p } = g.sums;
      [n, u, i, r, p].forEach((x, k) => (row.v[k] = (row.v[k] ?? 0) + x));
    }
  }
  for (const g of all.base) {
    const row = groupRow(sums.rows, g.key);
    row.clicks += g.sums.n;
    row.uniqueClicks += g.sums.u;
    row.invalidClicks += g.sums.i;
    row.cpcRevenueCents += g.sums.r;
    row.cpcPayoutCents += g.sums.p;
  }
}

/** Stats rows and dimension rows being summed from the same events. */
interface Sums {
  rows: RowSums;
  dims: DimSums;
}

const inScope = (scope: Record<string, string>, r: { campaignId: string; affiliateId: string }) =>
  (!scope.campaignId || r.campaignId === scope.campaignId) && (!scope.affiliateId || r.affiliateId === scope.affiliateId);

/** The clicks of a day whose raw clicks were dropped: the rolled rows of its hours, from their row and dimension records by _id. */
async function addRolledClicks(ctx: AppContext, sums: Sums, dayHours: number[], scope: Record<string, string>): Promise<void> {
  const [records, dimRecords] = await Promise.all([
    Promise.all(dayHours.map((h) => hourRowRecords(ctx.db).findOne({ _id: hourKey(h) }))),
    Promise.all(dayHours.map((h) => hourDimRecords(ctx.db).findOne({ _id: hourKey(h) }))),
  ]);
  for (const rec of records) {
    (rec?.ids ?? []).forEach((id, k) => {
      const s = rowFromSignature(id, rec?.sigs?.[k] ?? '');
      if (!inScope(scope, s)) return;
      const row = sums.rows.rowFor(s.hour, { c: s.campaignId, a: s.affiliateId, adv: s.advertiserId, cur: s.currency, s: s.sub1 });
      for (const f of CLICK_VALUE_FIELDS) row[f] += s[f] ?? 0;
    });
  }
  dimRecords.forEach((rec, i) => {
    for (const line of rec?.rows ?? []) {
      const d = decodeDimRow(dayHours[i] as number, line);
      if (!inScope(scope, d)) continue;
      const row = sums.dims.rowFor(d.hour, d.dim, { c: d.campaignId, a: d.affiliateId, cur: d.currency, v: d.key });
      for (let k = 0; k < DIM_CLICK_VALUES; k++) row.v[k] = (row.v[k] ?? 0) + (d.v[k] ?? 0);
    }
  });
}

interface ClickDay {
  day: string;
  dayHours: number[];
  scope: Record<string, string>;
  keySets: Record<'base' | XDim, Record<string, string>>;
  legacyDays: ReadonlySet<string> | undefined;
}

/**
 * Each hour's own partition, read whole; the day partition of older databases
 * once for the day's hours. Named directly, not listed first: reading a
 * collection that does not exist costs nothing, listing them all does.
 */
async function addRawClicks(ctx: AppContext, sums: Sums, { day, dayHours, scope, keySets, legacyDays }: ClickDay): Promise<void> {
  const perHour = await Promise.all(dayHours.map((h) => groupSumMany(ctx.db, clicksCollectionName(partitionKey(h)), { ...scope }, keySets, CLICK_SUMS)));
  for (const groups of perHour) addClickGroups(sums, groups);
  if (legacyDays && !legacyDays.has(day)) return;
  const match: Record<string, unknown> = { ...scope };
  if (dayHours.length < 24) match.hour = { $in: dayHours.map((h) => new Date(h)) };
  addClickGroups(sums, await groupSumMany(ctx.db, clicksCollectionName(day), match, keySets, CLICK_SUMS));
}

function addConversionDims(sums: DimSums, all: ConversionGroups, wanted: ReadonlySet<number>): void {
  for (const dim of ALL_XDIMS) {
    for (const g of all[dim]) {
      const hour = new Date(g.key.h as Date).getTime();
      const { ap, pe, rj, ra, rp, pa, pp } = g.sums;
      if (!wanted.has(hour) || ap + pe + rj === 0) continue;
      const row = sums.rowFor(hour, dim, g.key);
      [ap, pe, rj, ra + rp, pa + pp].forEach((x, k) => (row.v[DIM_CLICK_VALUES + k] = (row.v[DIM_CLICK_VALUES + k] ?? 0) + x));
    }
  }
}

function addConversionGroups(sums: Sums, all: ConversionGroups, wanted: ReadonlySet<number>): void {
  addConversionDims(sums.dims, all, wanted);
  for (const g of all.base) {
    if (!wanted.has(new Date(g.key.h as Date).getTime())) continue;
    const { ap, pe, rj, ra, rp, pa, pp } = g.sums;
    if (ap + pe + rj === 0) continue; // conversions still being processed
    const row = groupRow(sums.rows, g.key);
    row.approvedConversions += ap;
    row.pendingConversions += pe;
    row.rejectedConversions += rj;
    row.approvedRevenueCents += ra;
    row.approvedPayoutCents += pa;
    row.revenueCents += ra + rp;
    row.payoutCents += pa + pp;
  }
}

/** Totals over clicks and conversions, once both are in. */
function addTotals(rows: Map<string, StatRow>): void {
  for (const row of rows.values()) {
    row.conversions = row.approvedConversions + row.pendingConversions;
    row.revenueCents += row.cpcRevenueCents;
    row.payoutCents += row.cpcPayoutCents;
  }
}

/**
 * Computes the stats rows of the given hours straight from the raw events:
 * one grouping per hour partition of clicks (FerretDB scans a whole
 * collection for any filter, so an hour costs its own clicks only) and the
 * hours' conversions read through their buckets of ids. Used by the hourly rollup and, for hours not rolled up yet,
 * by analytics. Days whose raw clicks were dropped by retention keep the click
 * counts already rolled up (their row records, read by `_id`).
 */
export async function computeRawRows(
  ctx: AppContext,
  hours: number[],
  opts: { scope?: RawScope; droppedDays?: ReadonlySet<string>; conversions?: ConversionGroups; legacyDays?: ReadonlySet<string> } = {},
): Promise<RawHours> {
  if (hours.length === 0) return { rows: new Map(), dims: [] };
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const trackSub1 = await trackSub1Campaigns(ctx);
  const keySets = groupKeySets(trackSub1);
  const scope = scopeMatch(opts.scope);
  const sums: Sums = { rows: new RowSums(trackSub1), dims: new DimSums() };
  for (const [day, dayHours] of hoursByDay(sorted)) {
    if (opts.droppedDays?.has(day)) await addRolledClicks(ctx, sums, dayHours, scope);
    else await addRawClicks(ctx, sums, { day, dayHours, scope, keySets, legacyDays: opts.legacyDays });
  }
  addConversionGroups(sums, opts.conversions ?? (await groupConversions(ctx, sorted, opts.scope)), new Set(sorted));
  addTotals(sums.rows.rows);
  return { rows: sums.rows.rows, dims: [...sums.dims.rows.values()] };
}

/** What raw events of some hours add up to: the granular stats rows (by `hourlyStatId`) and the dimension rows. */
export interface RawHours {
  rows: Map<string, StatRow>;
  dims: DimRow[];
}
