import type { AppContext } from '../context';
import { CLICK_VALUE_FIELDS, emptyStatValues, statsHourly, type StatKeys, type StatValues } from '../db/models/stats';
import { clicksCollectionName, listClickPartitions } from '../db/raw-events';
import { dayKey } from '../domain/time-buckets';

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
  h: Date;
  c: string;
  a: string;
  adv: string;
  cur: string;
  s?: string | null;
}

/**
 * Every $group here has ONE accumulator, a count, with the 0/1 flags and cent
 * values in the group key: FerretDB 1.24 computes only the first accumulator
 * of a $group (FerretDB issue #4616), and flags and per-click values take few
 * distinct values, so this is barely more groups and exact on both servers.
 */
interface ClickGroup {
  _id: GroupKey & { u: number; i: number; r: number; p: number };
  n: number;
}

interface ConversionGroup {
  _id: GroupKey & { ap: number; pe: number; rj: number; ra: number; rp: number; pa: number; pp: number };
  n: number;
}

function scopeMatch(scope: RawScope | undefined): Record<string, string> {
  const m: Record<string, string> = {};
  if (scope?.campaignId) m.campaignId = scope.campaignId;
  if (scope?.affiliateId) m.affiliateId = scope.affiliateId;
  return m;
}

/**
 * Computes the stats rows of the given hours straight from the raw events:
 * one aggregation per day partition of clicks (FerretDB scans a whole
 * collection for any filter, so a day is read once, not once per hour) and one
 * over conversions. Used by the hourly rollup and, for hours not rolled up yet,
 * by analytics. Days whose raw clicks were dropped by retention keep the click
 * counts already in `stats_hourly`.
 */
export async function computeRawRows(
  ctx: AppContext,
  hours: number[],
  opts: { scope?: RawScope; droppedDays?: ReadonlySet<string> } = {},
): Promise<Map<string, StatRow>> {
  const rows = new Map<string, StatRow>();
  if (hours.length === 0) return rows;
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const trackSub1 = new Set(
    (await ctx.models.Campaign.find({ trackSub1: true }, { _id: 1 }).lean()).map((c) => c._id),
  );
  const withSub1 = trackSub1.size > 0;
  const scope = scopeMatch(opts.scope);

  const rowFor = (hourMs: number, k: Omit<GroupKey, 'h'>): StatRow => {
    const sub1 = trackSub1.has(k.c) ? (k.s ?? '') : '';
    const id = hourlyStatId(hourMs, k.c, k.a, sub1);
    let row = rows.get(id);
    if (!row) {
      row = { hour: hourMs, campaignId: k.c, affiliateId: k.a, advertiserId: k.adv, currency: k.cur, sub1, ...emptyStatValues() };
      rows.set(id, row);
    }
    return row;
  };
  const groupId = { h: '$hour', c: '$campaignId', a: '$affiliateId', adv: '$advertiserId', cur: '$currency', ...(withSub1 ? { s: '$sub1' } : {}) };

  const byDay = new Map<string, number[]>();
  for (const h of sorted) {
    const d = dayKey(h);
    const list = byDay.get(d);
    if (list) list.push(h);
    else byDay.set(d, [h]);
  }
  const partitions = new Set(await listClickPartitions(ctx.db));

  for (const [day, dayHours] of byDay) {
    if (opts.droppedDays?.has(day)) {
      const kept = await statsHourly(ctx.db)
        .find({ hour: { $in: dayHours.map((h) => new Date(h)) }, ...scope })
        .toArray();
      for (const s of kept) {
        const row = rowFor(s.hour.getTime(), { c: s.campaignId, a: s.affiliateId, adv: s.advertiserId, cur: s.currency, s: s.sub1 });
        for (const f of CLICK_VALUE_FIELDS) row[f] += s[f] ?? 0;
      }
      continue;
    }
    if (!partitions.has(day)) continue;
    const match: Record<string, unknown> = { ...scope };
    // A whole day needs no hour filter; FerretDB then skips evaluating it per document.
    if (dayHours.length < 24) match.hour = { $in: dayHours.map((h) => new Date(h)) };
    const pipeline: object[] = [];
    if (Object.keys(match).length) pipeline.push({ $match: match });
    pipeline.push({
      $group: { _id: { ...groupId, u: '$unique', i: '$invalid', r: '$revenueCents', p: '$payoutCents' }, n: { $sum: 1 } },
    });
    const groups = (await ctx.db.collection(clicksCollectionName(day)).aggregate(pipeline).toArray()) as ClickGroup[];
    for (const g of groups) {
      const row = rowFor(new Date(g._id.h).getTime(), g._id);
      const { u, i, r, p } = g._id;
      row.clicks += g.n;
      row.uniqueClicks += g.n * (u ?? 0);
      row.invalidClicks += g.n * (i ?? 0);
      row.cpcRevenueCents += g.n * (r ?? 0);
      row.cpcPayoutCents += g.n * (p ?? 0);
    }
  }

  const convGroups = (await ctx.models.Conversion.collection
    .aggregate([
      { $match: { hour: { $in: sorted.map((h) => new Date(h)) }, ...scope } },
      {
        $group: {
          _id: {
            ...groupId,
            ap: '$approved',
            pe: '$pending',
            rj: '$rejected',
            ra: '$revApprovedCents',
            rp: '$revPendingCents',
            pa: '$payApprovedCents',
            pp: '$payPendingCents',
          },
          n: { $sum: 1 },
        },
      },
    ])
    .toArray()) as ConversionGroup[];
  for (const g of convGroups) {
    const { ap = 0, pe = 0, rj = 0, ra = 0, rp = 0, pa = 0, pp = 0 } = g._id;
    if (ap + pe + rj === 0) continue; // conversions still being processed
    const row = rowFor(new Date(g._id.h).getTime(), g._id);
    const n = g.n;
    row.approvedConversions += n * ap;
    row.pendingConversions += n * pe;
    row.rejectedConversions += n * rj;
    row.approvedRevenueCents += n * ra;
    row.approvedPayoutCents += n * pa;
    row.revenueCents += n * (ra + rp);
    row.payoutCents += n * (pa + pp);
  }

  for (const row of rows.values()) {
    row.conversions = row.approvedConversions + row.pendingConversions;
    row.revenueCents += row.cpcRevenueCents;
    row.payoutCents += row.cpcPayoutCents;
  }
  return rows;
}
