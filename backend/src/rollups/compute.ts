import type { AppContext } from '../context';
import { CLICK_VALUE_FIELDS, emptyStatValues, type StatKeys, type StatValues } from '../db/models/stats';
import { hourRowRecords } from '../db/rollup-state';
import { rowFromSignature } from './row-signature';
import { conversionsOfHours } from '../db/conversion-hours';
import { groupDocs, groupSum, type Group } from '../db/group-sum';
import { clicksCollectionName, partitionKey } from '../db/raw-events';
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

/** Conversions of some hours grouped by stats key, ready for `computeRawRows`. */
export type ConversionGroups = Array<Group<string, keyof typeof CONVERSION_SUMS>>;

/**
 * Groups the conversions of `hours` by stats key, reading each hour's
 * conversions by `_id` through its bucket of ids (never the whole collection).
 */
export async function groupConversions(ctx: AppContext, hours: number[], scope?: RawScope): Promise<ConversionGroups> {
  if (hours.length === 0) return [];
  const keys = statGroupKeys(await trackSub1Campaigns(ctx));
  const docs = (await conversionsOfHours(ctx.db, hours)).filter(
    (d) => (!scope?.campaignId || d.campaignId === scope.campaignId) && (!scope?.affiliateId || d.affiliateId === scope.affiliateId),
  );
  return groupDocs(docs, keys, CONVERSION_SUMS);
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

function addClickGroups(sums: RowSums, groups: Array<Group<string, keyof typeof CLICK_SUMS>>): void {
  for (const g of groups) {
    const row = groupRow(sums, g.key);
    row.clicks += g.sums.n;
    row.uniqueClicks += g.sums.u;
    row.invalidClicks += g.sums.i;
    row.cpcRevenueCents += g.sums.r;
    row.cpcPayoutCents += g.sums.p;
  }
}

/** The clicks of a day whose raw clicks were dropped: the rolled rows of its hours, from their row records by _id. */
async function addRolledClicks(ctx: AppContext, sums: RowSums, dayHours: number[], scope: Record<string, string>): Promise<void> {
  const records = await Promise.all(dayHours.map((h) => hourRowRecords(ctx.db).findOne({ _id: hourKey(h) })));
  for (const rec of records) {
    (rec?.ids ?? []).forEach((id, k) => {
      const s = rowFromSignature(id, rec?.sigs?.[k] ?? '');
      if ((scope.campaignId && s.campaignId !== scope.campaignId) || (scope.affiliateId && s.affiliateId !== scope.affiliateId)) return;
      const row = sums.rowFor(s.hour, { c: s.campaignId, a: s.affiliateId, adv: s.advertiserId, cur: s.currency, s: s.sub1 });
      for (const f of CLICK_VALUE_FIELDS) row[f] += s[f] ?? 0;
    });
  }
}

interface ClickDay {
  day: string;
  dayHours: number[];
  scope: Record<string, string>;
  groupKeys: Record<string, string>;
  legacyDays: ReadonlySet<string> | undefined;
}

/**
 * Each hour's own partition, read whole; the day partition of older databases
 * once for the day's hours. Named directly, not listed first: reading a
 * collection that does not exist costs nothing, listing them all does.
 */
async function addRawClicks(ctx: AppContext, sums: RowSums, { day, dayHours, scope, groupKeys, legacyDays }: ClickDay): Promise<void> {
  const perHour = await Promise.all(dayHours.map((h) => groupSum(ctx.db, clicksCollectionName(partitionKey(h)), { ...scope }, groupKeys, CLICK_SUMS)));
  for (const groups of perHour) addClickGroups(sums, groups);
  if (legacyDays && !legacyDays.has(day)) return;
  const match: Record<string, unknown> = { ...scope };
  if (dayHours.length < 24) match.hour = { $in: dayHours.map((h) => new Date(h)) };
  addClickGroups(sums, await groupSum(ctx.db, clicksCollectionName(day), match, groupKeys, CLICK_SUMS));
}

function addConversionGroups(sums: RowSums, groups: ConversionGroups, wanted: ReadonlySet<number>): void {
  for (const g of groups) {
    if (!wanted.has(new Date(g.key.h as Date).getTime())) continue;
    const { ap, pe, rj, ra, rp, pa, pp } = g.sums;
    if (ap + pe + rj === 0) continue; // conversions still being processed
    const row = groupRow(sums, g.key);
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
): Promise<Map<string, StatRow>> {
  if (hours.length === 0) return new Map();
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const trackSub1 = await trackSub1Campaigns(ctx);
  const groupKeys = statGroupKeys(trackSub1);
  const scope = scopeMatch(opts.scope);
  const sums = new RowSums(trackSub1);
  for (const [day, dayHours] of hoursByDay(sorted)) {
    if (opts.droppedDays?.has(day)) await addRolledClicks(ctx, sums, dayHours, scope);
    else await addRawClicks(ctx, sums, { day, dayHours, scope, groupKeys, legacyDays: opts.legacyDays });
  }
  addConversionGroups(sums, opts.conversions ?? (await groupConversions(ctx, sorted, opts.scope)), new Set(sorted));
  addTotals(sums.rows);
  return sums.rows;
}
