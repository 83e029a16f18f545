import { METRIC_FIELDS, type MetricSums } from '@offerly/contract';
import type { XDim } from './report-dims';
import { HOUR_MS } from './time-buckets';

/**
 * The scopes a report reads, each stored as pre-aggregated documents with a
 * deterministic `_id` (scope × UTC day, scope × UTC month), so a report is a
 * handful of `findOne({ _id })` whatever the size of the event collections.
 * Campaign × affiliate serves both the campaign report's affiliate breakdown
 * and the affiliate report filtered by campaign: one document set, two readers.
 */
export type ReportScope =
  | { kind: 'p' }
  | { kind: 'c'; campaignId: string }
  | { kind: 'a'; affiliateId: string }
  | { kind: 'ca'; campaignId: string; affiliateId: string }
  | { kind: 'cs'; campaignId: string; sub1: string };

/** A breakdown dimension of the granular rows: campaign, affiliate or sub1. */
export type Dim = 'c' | 'a' | 's';

/** The finest rollup grain: hour × campaign × affiliate × sub1 (with its currency). */
export interface GranularRow extends MetricSums {
  hour: number;
  campaignId: string;
  affiliateId: string;
  sub1: string;
  currency: string;
}

/** Metric values in METRIC_FIELDS order. */
export type MetricVec = number[];

/**
 * A breakdown member's totals as stored: dimension, member key, values; in
 * dimension documents (report-dim-days.ts) also its hourly values.
 */
export interface MemberEntry {
  d: Dim | XDim;
  k: string;
  v: string;
  h?: string;
}

/**
 * What one scope holds for one currency on one UTC day: hourly slots (`h00`…`h23`,
 * only hours with rows) and the day's totals per member. Values are stored as
 * comma-joined strings: FerretDB 1.24 rejects nested arrays, and a string decodes fastest.
 */
export interface ScopeDay {
  h: Record<string, string>;
  b: MemberEntry[];
}

export const hourField = (slot: number): string => `h${String(slot).padStart(2, '0')}`;
export const encodeVec = (v: MetricVec): string => v.join(',');
export const decodeVec = (s: string): MetricVec => s.split(',').map(Number);

export const SCOPE_DIMS: Record<ReportScope['kind'], Dim[]> = { p: ['c', 'a'], c: ['a', 's'], a: ['c'], ca: [], cs: [] };

export function scopeKey(s: ReportScope): string {
  switch (s.kind) {
    case 'p':
      return 'p';
    case 'c':
      return `c:${s.campaignId}`;
    case 'a':
      return `a:${s.affiliateId}`;
    case 'ca':
      return `ca:${s.campaignId}:${s.affiliateId}`;
    case 'cs':
      return `cs:${s.campaignId}:${s.sub1}`;
  }
}

export function rowInScope(s: ReportScope, r: GranularRow): boolean {
  switch (s.kind) {
    case 'p':
      return true;
    case 'c':
      return r.campaignId === s.campaignId;
    case 'a':
      return r.affiliateId === s.affiliateId;
    case 'ca':
      return r.campaignId === s.campaignId && r.affiliateId === s.affiliateId;
    case 'cs':
      return r.campaignId === s.campaignId && r.sub1 === s.sub1;
  }
}

export function memberKey(dim: Dim, r: GranularRow): string {
  return dim === 'c' ? r.campaignId : dim === 'a' ? r.affiliateId : r.sub1;
}

/** The scope of one member of a breakdown, e.g. campaign X's affiliate Y is campaign × affiliate. */
export function memberScope(s: ReportScope, dim: Dim, key: string): ReportScope {
  if (s.kind === 'p') return dim === 'c' ? { kind: 'c', campaignId: key } : { kind: 'a', affiliateId: key };
  if (s.kind === 'c') return dim === 'a' ? { kind: 'ca', campaignId: s.campaignId, affiliateId: key } : { kind: 'cs', campaignId: s.campaignId, sub1: key };
  if (s.kind === 'a' && dim === 'c') return { kind: 'ca', campaignId: key, affiliateId: s.affiliateId };
  throw new Error(`scope ${s.kind} has no ${dim} breakdown`);
}

function scopesOf(r: GranularRow): ReportScope[] {
  return [
    { kind: 'p' },
    { kind: 'c', campaignId: r.campaignId },
    { kind: 'a', affiliateId: r.affiliateId },
    { kind: 'ca', campaignId: r.campaignId, affiliateId: r.affiliateId },
    { kind: 'cs', campaignId: r.campaignId, sub1: r.sub1 },
  ];
}

export const toVec = (s: MetricSums): MetricVec => METRIC_FIELDS.map((f) => s[f]);

export function fromVec(v: MetricVec): MetricSums {
  return Object.fromEntries(METRIC_FIELDS.map((f, i) => [f, v[i] ?? 0])) as unknown as MetricSums;
}

export function addVec(into: MetricVec, v: MetricVec): void {
  for (let i = 0; i < METRIC_FIELDS.length; i++) into[i] = (into[i] ?? 0) + (v[i] ?? 0);
}

const zeroVec = (): MetricVec => METRIC_FIELDS.map(() => 0);

/** Sum of a day's hourly slots. */
export function dayTotal(day: ScopeDay): MetricVec {
  const t = zeroVec();
  for (const v of Object.values(day.h)) addVec(t, decodeVec(v));
  return t;
}

/**
 * Every scope's content for one UTC day, built from that day's granular rows
 * (keyed by scope key, then currency). Deterministic: the same rows give the
 * same documents, so re-rolling a day rewrites nothing that was right.
 */
export function buildScopeDays(dayStartMs: number, rows: Iterable<GranularRow>): Map<string, { scope: ReportScope; cur: Record<string, ScopeDay> }> {
  type Acc = { hours: Map<number, MetricVec>; members: Map<string, MetricVec> };
  const out = new Map<string, { scope: ReportScope; cur: Map<string, Acc> }>();
  for (const r of rows) {
    const slot = Math.floor((r.hour - dayStartMs) / HOUR_MS);
    if (slot < 0 || slot > 23) throw new Error(`row at ${new Date(r.hour).toISOString()} is not in the day starting ${new Date(dayStartMs).toISOString()}`);
    const v = toVec(r);
    for (const scope of scopesOf(r)) {
      const key = scopeKey(scope);
      let entry = out.get(key);
      if (!entry) out.set(key, (entry = { scope, cur: new Map() }));
      let acc = entry.cur.get(r.currency);
      if (!acc) entry.cur.set(r.currency, (acc = { hours: new Map(), members: new Map() }));
      addInto(acc.hours, slot, v);
      for (const dim of SCOPE_DIMS[scope.kind]) addInto(acc.members, `${dim}\u0000${memberKey(dim, r)}`, v);
    }
  }
  const result = new Map<string, { scope: ReportScope; cur: Record<string, ScopeDay> }>();
  for (const [key, { scope, cur }] of out) {
    const days: Record<string, ScopeDay> = {};
    for (const [currency, acc] of [...cur].sort(([a], [b]) => compare(a, b))) {
      const h = Object.fromEntries([...acc.hours].sort(([a], [b]) => a - b).map(([slot, v]) => [hourField(slot), encodeVec(v)]));
      const b = [...acc.members].sort(([a], [b]) => compare(a, b)).map(([mk, v]): MemberEntry => {
        const [d, k = ''] = mk.split('\u0000');
        return { d: d as Dim, k, v: encodeVec(v) };
      });
      days[currency] = { h, b };
    }
    result.set(key, { scope, cur: days });
  }
  return result;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function addInto<K>(m: Map<K, MetricVec>, k: K, v: MetricVec): void {
  const acc = m.get(k) ?? zeroVec();
  addVec(acc, v);
  m.set(k, acc);
}
