import { addVec, encodeVec, decodeVec, scopeKey, type MemberEntry, type MetricVec, type ReportScope, type ScopeDay } from './report-scopes';
import { DAY_MEMBER_CAP, dimMetricVec, keptMembers, OTHER_KEY, type DimRow, type XDim } from './report-dims';
import { METRIC_FIELDS } from '@offerly/contract';
import { HOUR_MS } from './time-buckets';

/**
 * The scopes whose reports group by country, device, OS, browser and
 * sub2–sub5: the campaign report, the affiliate report, and the affiliate
 * report of one campaign. Their day documents carry, beside the members by
 * campaign, affiliate and sub1, the members of each of these dimensions with
 * their day totals and their hourly values (`h`, for days read in part);
 * month documents carry the day totals. In the same documents, not in
 * documents of their own: a roll writes no more documents than before.
 */
export const DIM_SCOPE_KINDS = ['c', 'a', 'ca'] as const satisfies ReadonlyArray<ReportScope['kind']>;
export type DimScope = Extract<ReportScope, { kind: (typeof DIM_SCOPE_KINDS)[number] }>;

function dimScopesOf(r: DimRow): DimScope[] {
  return [
    { kind: 'c', campaignId: r.campaignId },
    { kind: 'a', affiliateId: r.affiliateId },
    { kind: 'ca', campaignId: r.campaignId, affiliateId: r.affiliateId },
  ];
}

/** A member's hourly values: `slot=v1,v2,…` joined by `;`, slots ascending. */
export function encodeHours(hours: Map<number, MetricVec>): string {
  return [...hours].sort(([a], [b]) => a - b).map(([slot, v]) => `${slot}=${encodeVec(v)}`).join(';');
}

export function decodeHours(s: string | undefined): Map<number, MetricVec> {
  const out = new Map<number, MetricVec>();
  for (const part of (s ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(Number(part.slice(0, eq)), decodeVec(part.slice(eq + 1)));
  }
  return out;
}

const zero = (): MetricVec => METRIC_FIELDS.map(() => 0);

/** Per currency, per member `dim\0key`, per hour slot. */
type Acc = Map<string, Map<string, Map<number, MetricVec>>>;

function add(acc: Acc, currency: string, member: string, slot: number, v: MetricVec): void {
  let cur = acc.get(currency);
  if (!cur) acc.set(currency, (cur = new Map()));
  let hours = cur.get(member);
  if (!hours) cur.set(member, (hours = new Map()));
  const h = hours.get(slot) ?? zero();
  addVec(h, v);
  hours.set(slot, h);
}

/** Members kept per dimension over all currencies (a member is the same value whatever it was paid in). */
function keptPerDim(acc: Acc): Map<string, Set<string>> {
  const totals = new Map<string, Map<string, { conversions: number; clicks: number }>>();
  const ci = METRIC_FIELDS.indexOf('conversions');
  for (const members of acc.values()) {
    for (const [member, hours] of members) {
      const [dim = '', key = ''] = member.split('\u0000');
      let t = totals.get(dim);
      if (!t) totals.set(dim, (t = new Map()));
      const m = t.get(key) ?? { conversions: 0, clicks: 0 };
      for (const v of hours.values()) {
        m.conversions += v[ci] ?? 0;
        m.clicks += v[0] ?? 0;
      }
      t.set(key, m);
    }
  }
  return new Map([...totals].map(([dim, t]) => [dim, keptMembers(t, DAY_MEMBER_CAP)]));
}

function capped(acc: Acc): Record<string, ScopeDay> {
  const kept = keptPerDim(acc);
  const out: Record<string, ScopeDay> = {};
  for (const [currency, members] of [...acc].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const merged = new Map<string, Map<number, MetricVec>>();
    for (const [member, hours] of members) {
      const [dim = '', key = ''] = member.split('\u0000');
      const target = kept.get(dim)?.has(key) ? member : `${dim}\u0000${OTHER_KEY}`;
      let into = merged.get(target);
      if (!into) merged.set(target, (into = new Map()));
      for (const [slot, v] of hours) {
        const h = into.get(slot) ?? zero();
        addVec(h, v);
        into.set(slot, h);
      }
    }
    const b = [...merged].sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0)).map(([member, hours]): MemberEntry => {
      const [d = '', k = ''] = member.split('\u0000');
      const total = zero();
      for (const v of hours.values()) addVec(total, v);
      return { d: d as XDim, k, v: encodeVec(total), h: encodeHours(hours) };
    });
    out[currency] = { h: {}, b };
  }
  return out;
}

/**
 * Adds one UTC day's dimension members, from its dimension rows, to the
 * day's scope contents (as built by `buildScopeDays`, keyed by scope key).
 * Deterministic: the same rows give the same documents.
 */
export function addDimMembers(scopes: Map<string, { scope: ReportScope; cur: Record<string, ScopeDay> }>, dayStartMs: number, rows: Iterable<DimRow>): void {
  const accs = new Map<string, { scope: ReportScope; acc: Acc }>();
  for (const r of rows) {
    const slot = Math.floor((r.hour - dayStartMs) / HOUR_MS);
    if (slot < 0 || slot > 23) throw new Error(`dimension row at ${new Date(r.hour).toISOString()} is not in the day starting ${new Date(dayStartMs).toISOString()}`);
    const v = dimMetricVec(r.v);
    for (const scope of dimScopesOf(r)) {
      const key = scopeKey(scope);
      let e = accs.get(key);
      if (!e) accs.set(key, (e = { scope, acc: new Map() }));
      add(e.acc, r.currency, `${r.dim}\u0000${r.key}`, slot, v);
    }
  }
  for (const [key, { scope, acc }] of accs) {
    let entry = scopes.get(key);
    if (!entry) scopes.set(key, (entry = { scope, cur: {} }));
    for (const [currency, day] of Object.entries(capped(acc))) (entry.cur[currency] ??= { h: {}, b: [] }).b.push(...day.b);
  }
}
