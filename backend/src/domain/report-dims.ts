import { BREAKDOWN_MEMBER_LIMIT, METRIC_FIELDS, OTHER_MEMBER_KEY, type BreakdownDimension, type MetricSums } from '@offerly/contract';

/**
 * The breakdown dimensions a click is classified by (country, device, OS,
 * browser) and the sub IDs beyond sub1. Unlike campaign, affiliate and sub1
 * they are not part of the granular rows (hour × campaign × affiliate × sub1):
 * each is rolled up on its own, per hour × campaign × affiliate × currency ×
 * value ("dimension rows"), and a scope's day keeps per dimension at most
 * BREAKDOWN_MEMBER_LIMIT values, the rest summed under OTHER_MEMBER_KEY.
 */
export type XDim = 'co' | 'dv' | 'os' | 'br' | 's2' | 's3' | 's4' | 's5';

export const XDIMS: Record<BreakdownDimension, XDim> = { country: 'co', device: 'dv', os: 'os', browser: 'br', sub2: 's2', sub3: 's3', sub4: 's4', sub5: 's5' };

/** The field of a raw click and of a conversion holding each dimension's value. */
export const XDIM_FIELD: Record<XDim, BreakdownDimension> = { co: 'country', dv: 'device', os: 'os', br: 'browser', s2: 'sub2', s3: 'sub3', s4: 'sub4', s5: 'sub5' };

export const ALL_XDIMS = Object.values(XDIMS);

export const isXDim = (d: string): d is XDim => (ALL_XDIMS as string[]).includes(d);

export const OTHER_KEY = OTHER_MEMBER_KEY;

/** Values a scope's UTC day keeps per dimension; an hour keeps more per campaign × affiliate, so the day's choice is rarely blurred. */
export const DAY_MEMBER_CAP = BREAKDOWN_MEMBER_LIMIT;
export const HOUR_MEMBER_CAP = 4 * BREAKDOWN_MEMBER_LIMIT;

/**
 * A dimension row's values: the click part and the conversion part apart, so
 * a day whose raw clicks were dropped can be re-rolled with its conversions
 * and its recorded clicks.
 */
export const DIM_VALUE_FIELDS = ['clicks', 'uniqueClicks', 'invalidClicks', 'cpcRevenueCents', 'cpcPayoutCents', 'approved', 'pending', 'rejected', 'convRevenueCents', 'convPayoutCents'] as const;
export const DIM_CLICK_VALUES = 5;

export interface DimRow {
  hour: number;
  campaignId: string;
  affiliateId: string;
  currency: string;
  dim: XDim;
  key: string;
  /** In DIM_VALUE_FIELDS order. */
  v: number[];
}

export const dimRowId = (r: Pick<DimRow, 'hour' | 'campaignId' | 'affiliateId' | 'currency' | 'dim' | 'key'>) =>
  `${r.hour}|${r.campaignId}|${r.affiliateId}|${r.currency}|${r.dim}|${r.key}`;

/** A row as stored in the hour's dimension record: `campaign|affiliate|currency|dim|v1,…|value` (the value last: it may hold `|`). */
export const encodeDimRow = (r: DimRow): string => `${r.campaignId}|${r.affiliateId}|${r.currency}|${r.dim}|${r.v.join(',')}|${r.key}`;

export function decodeDimRow(hour: number, s: string): DimRow {
  const [campaignId = '', affiliateId = '', currency = '', dim = '', values = '', ...key] = s.split('|');
  return { hour, campaignId, affiliateId, currency, dim: dim as XDim, key: key.join('|'), v: values.split(',').map(Number) };
}

/** A dimension row's values as report metrics (METRIC_FIELDS order). */
export function dimMetricVec(v: number[]): number[] {
  const [clicks = 0, unique = 0, invalid = 0, cpcRev = 0, cpcPay = 0, ap = 0, pe = 0, rj = 0, convRev = 0, convPay = 0] = v;
  const m: Record<keyof MetricSums, number> = {
    clicks,
    uniqueClicks: unique,
    invalidClicks: invalid,
    conversions: ap + pe,
    approvedConversions: ap,
    pendingConversions: pe,
    rejectedConversions: rj,
    revenueCents: cpcRev + convRev,
    payoutCents: cpcPay + convPay,
  };
  return METRIC_FIELDS.map((f) => m[f]);
}

/** A raw value as a member key: no value (null, absent on events from before classification) is ''. */
export const memberValue = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The members kept under a cap: most conversions, then most clicks, then by
 * key — a total order, so the same rows always keep the same members. The
 * other-member itself never counts as one.
 */
export function keptMembers(totals: Map<string, { conversions: number; clicks: number }>, cap: number): Set<string> {
  const ranked = [...totals].filter(([k]) => k !== OTHER_KEY).sort(([ka, a], [kb, b]) => b.conversions - a.conversions || b.clicks - a.clicks || (ka < kb ? -1 : ka > kb ? 1 : 0));
  return new Set(ranked.slice(0, cap).map(([k]) => k));
}

/**
 * Caps dimension rows per (hour, campaign, affiliate, currency, dimension):
 * values beyond `cap` are summed into one OTHER_KEY row of that group.
 */
export function capDimRows(rows: Iterable<DimRow>, cap: number): DimRow[] {
  const groups = new Map<string, DimRow[]>();
  for (const r of rows) {
    const g = `${r.hour}|${r.campaignId}|${r.affiliateId}|${r.currency}|${r.dim}`;
    const list = groups.get(g);
    if (list) list.push(r);
    else groups.set(g, [r]);
  }
  const out: DimRow[] = [];
  for (const list of groups.values()) {
    if (list.length <= cap) {
      out.push(...list);
      continue;
    }
    const kept = keptMembers(new Map(list.map((r) => [r.key, { conversions: (r.v[5] ?? 0) + (r.v[6] ?? 0), clicks: r.v[0] ?? 0 }])), cap);
    let other: DimRow | undefined;
    for (const r of list) {
      if (kept.has(r.key)) out.push(r);
      else if (!other) out.push((other = { ...r, key: OTHER_KEY, v: [...r.v] }));
      else r.v.forEach((n, i) => ((other as DimRow).v[i] = ((other as DimRow).v[i] ?? 0) + n));
    }
  }
  return out;
}
