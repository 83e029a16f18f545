import { dueQueueDifferences } from './due-queues';
import type { AppContext } from '../context';
import { clickSettledDays } from '../db/models/click-earning';
import { STAT_VALUE_FIELDS, statsHourly } from '../db/models/stats';
import { groupSum } from '../db/group-sum';
import { payoutClaims } from '../db/payout-claims';
import { clicksCollectionName, listClickPartitions, partitionsOfDay } from '../db/raw-events';
import { listDirtyHours } from '../db/rollup-dirty';
import { hourRowRecords, loadDroppedDays, rolledHoursBetween } from '../db/rollup-state';
import { clickClaimId, clickEarningId, isClickClaim, isoDay } from '../domain/payout-plan';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../domain/reconcile-diff';
import { rowFromSignature } from '../rollups/row-signature';
import { counterDifferences } from './campaign-counters';
import { listCounterDifferences, type ListCounterOptions } from './list-counters';
import { conversionBucketDifferences, reportDocDifferences } from './report-docs';
import { DAY_MS, dayKey, dayKeyToMs, daysBetween, dayStart, HOUR_MS, hourKey as hourRecordId, hourStart } from '../domain/time-buckets';

export interface ReconcileReport {
  ok: boolean;
  from: string;
  to: string;
  /** `clickDays`: settled days whose click earnings were compared with the rollup. */
  checked: { hours: number; days: number; clickDays: number; counterDays: number; payouts: number };
  /** `staleDays` stays empty: there are no daily rows to go stale any more (kept so the report keeps its shape). */
  skipped: { dirtyHours: string[]; settlingHours: string[]; staleDays: string[]; droppedDays: string[] };
  differences: Difference[];
  /** Whether the dashboard lists' counters (all time) were compared with their rows. */
  listCounters: boolean;
}

export interface ReconcileOptions {
  fromMs: number;
  toMs: number;
  nowMs?: number;
  /**
   * Compare the dashboard lists' counters too (`list_counters`): they count
   * all time, from a scan of each listed collection. By default only when the
   * range reaches the current day (a look at the present); a look at past
   * days does not pay for scanning everything.
   */
  listCounters?: boolean;
  listCounterOptions?: ListCounterOptions;
}

/** Fields compared between raw events and `stats_hourly`, per stats row (hour × campaign × affiliate × sub1). */
const HOURLY_FIELDS = [
  'clicks',
  'uniqueClicks',
  'invalidClicks',
  'cpcRevenueCents',
  'cpcPayoutCents',
  'approvedConversions',
  'pendingConversions',
  'rejectedConversions',
  'approvedRevenueCents',
  'approvedPayoutCents',
  'revenueCents',
  'payoutCents',
] as const;
const CLICK_FIELDS = new Set(['clicks', 'uniqueClicks', 'invalidClicks', 'cpcRevenueCents', 'cpcPayoutCents']);

/** An hour that ended this recently may still be waiting for its scheduled roll. */
const SETTLE_MS = HOUR_MS;

/**
 * The key of a stats row, as in `stats_hourly`'s `_id`: hour (or day) ×
 * campaign × affiliate × sub1 (empty unless the campaign tracks sub1). Sums
 * per campaign alone would not see clicks or conversions moved between
 * affiliates or sub IDs, and affiliates are paid by that split.
 */
const statKey = (bucket: string, campaignId: string, affiliateId: string, sub1: string) => `${bucket}|${campaignId}|${affiliateId}|${sub1}`;

/**
 * Recounts [from, to) from the raw events with its own aggregations (not the
 * rollup's code) and compares, row by row (hour × campaign × affiliate × sub1),
 * with `stats_hourly`; each whole compared day's report documents with the
 * rows they are built from, and each compared hour's conversions with its
 * bucket of ids; each settled
 * day's click earnings with the CPC value rolled up for it (day × campaign ×
 * affiliate); and each payout touching the range with its lines, its claims,
 * its conversions and its click earnings, in sums and one by one (each line's
 * conversion or click earning and claim point back at its payout, each claimed
 * one has a line, a clicks line carries its earning's clicks and amount);
 * and the cap and budget counters of past days with the conversions and
 * clicks they count; and (see ReconcileOptions.listCounters) the dashboard
 * lists' counters with the rows they count.
 * Hours waiting to be re-rolled (dirty or just ended) are listed as skipped,
 * not counted as differences.
 */
export async function reconcile(ctx: AppContext, opts: ReconcileOptions): Promise<ReconcileReport> {
  const nowMs = opts.nowMs ?? Date.now();
  const fromMs = hourStart(opts.fromMs);
  const toMs = opts.toMs;
  const report: ReconcileReport = {
    ok: true,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    checked: { hours: 0, days: 0, clickDays: 0, counterDays: 0, payouts: 0 },
    skipped: { dirtyHours: [], settlingHours: [], staleDays: [], droppedDays: [] },
    differences: [],
    listCounters: opts.listCounters ?? toMs > dayStart(nowMs),
  };

  // Which hours to compare.
  const [dirty, dropped, partitions] = await Promise.all([listDirtyHours(ctx.db), loadDroppedDays(ctx.db), listClickPartitions(ctx.db)]);
  const dirtySet = new Set(dirty.map((d) => d._id.getTime()));
  const rolled = new Map((await rolledHoursBetween(ctx.db, fromMs, toMs)).map((r) => [r.hour.getTime(), r]));
  const compared = new Set<number>();
  for (let h = fromMs; h < toMs; h += HOUR_MS) {
    const iso = new Date(h).toISOString();
    const r = rolled.get(h);
    const completeRoll = r !== undefined && r.readAt.getTime() >= h + HOUR_MS;
    if (dirtySet.has(h)) report.skipped.dirtyHours.push(iso);
    else if (!completeRoll && h + HOUR_MS + SETTLE_MS > nowMs) report.skipped.settlingHours.push(iso);
    else compared.add(h);
  }
  report.checked.hours = compared.size;
  const trackSub1 = new Set((await ctx.models.Campaign.find({ trackSub1: true }, { _id: 1 }).lean()).map((c) => c._id));
  const rawKey = (k: Record<string, unknown>) => {
    const c = k.c as string;
    return statKey(new Date(k.h as Date).toISOString(), c, k.a as string, trackSub1.has(c) ? ((k.s as string | null) ?? '') : '');
  };
  const rowKey = (hour: number, r: { campaignId: string; affiliateId: string; sub1?: string | null }) => statKey(new Date(hour).toISOString(), r.campaignId, r.affiliateId, r.sub1 ?? '');
  const groupKeys = { h: 'hour', c: 'campaignId', a: 'affiliateId', s: 'sub1' };

  // Raw side.
  const raw: Tally = new Map();
  /** CPC spend of the stored clicks per campaign|day, for the cap and budget counters. */
  const clickSpend = new Map<string, number>();
  const days = daysBetween(fromMs, toMs);
  for (const day of days) {
    if (dropped.has(day)) {
      report.skipped.droppedDays.push(day);
      continue;
    }
    const groups = [];
    for (const key of partitionsOfDay(partitions, day)) groups.push(...(await groupSum(ctx.db, clicksCollectionName(key), {}, groupKeys, { n: 1, u: 'unique', i: 'invalid', r: 'revenueCents', p: 'payoutCents' })));
    for (const g of groups) {
      const h = new Date(g.key.h as Date).getTime();
      const spendKey = `${g.key.c as string}|${day}`;
      if (g.sums.r) clickSpend.set(spendKey, (clickSpend.get(spendKey) ?? 0) + g.sums.r);
      if (!compared.has(h)) continue;
      const { n, u, i, r, p } = g.sums;
      tallyAdd(raw, rawKey(g.key), { clicks: n, uniqueClicks: u, invalidClicks: i, cpcRevenueCents: r, cpcPayoutCents: p, revenueCents: r, payoutCents: p });
    }
  }
  const convGroups = await groupSum(
    ctx.db,
    'conversions',
    { hour: { $gte: new Date(fromMs), $lt: new Date(toMs) } },
    groupKeys,
    { ap: 'approved', pe: 'pending', rj: 'rejected', ra: 'revApprovedCents', rp: 'revPendingCents', pa: 'payApprovedCents', pp: 'payPendingCents' },
  );
  for (const g of convGroups) {
    const h = new Date(g.key.h as Date).getTime();
    if (!compared.has(h)) continue;
    const { ap, pe, rj, ra, rp, pa, pp } = g.sums;
    tallyAdd(raw, rawKey(g.key), {
      approvedConversions: ap,
      pendingConversions: pe,
      rejectedConversions: rj,
      approvedRevenueCents: ra,
      approvedPayoutCents: pa,
      revenueCents: ra + rp,
      payoutCents: pa + pp,
    });
  }

  // Rollup side.
  const rolledUp: Tally = new Map();
  // CPC value per UTC day × campaign × affiliate × currency, keyed as click earnings are.
  const cpcByDay: Tally = new Map();
  for await (const s of statsHourly(ctx.db).find({ hour: { $gte: new Date(fromMs), $lt: new Date(toMs) } })) {
    const h = s.hour.getTime();
    const values = Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, s[f] ?? 0]));
    if (compared.has(h)) tallyAdd(rolledUp, rowKey(h, s), values);
    if ((s.cpcPayoutCents ?? 0) > 0) {
      tallyAdd(cpcByDay, clickEarningId(isoDay(h), s.campaignId, s.affiliateId, s.currency), { clicks: s.uniqueClicks ?? 0, payoutCents: s.cpcPayoutCents, revenueCents: s.cpcRevenueCents ?? 0 });
    }
  }
  // Raw clicks of dropped days are gone: their click fields are trusted as rolled.
  for (const [key, row] of rolledUp) {
    if (!dropped.has(dayKey(Date.parse(key.slice(0, key.indexOf('|')))))) continue;
    const r = raw.get(key) ?? {};
    for (const f of CLICK_FIELDS) r[f] = row[f] ?? 0;
    r.revenueCents = (r.revenueCents ?? 0) + (row.cpcRevenueCents ?? 0);
    r.payoutCents = (r.payoutCents ?? 0) + (row.cpcPayoutCents ?? 0);
    raw.set(key, r);
  }
  report.differences.push(...diffTallies('hourly', raw, rolledUp, HOURLY_FIELDS));

  // The per-hour row records (what the rollup compares against, and analytics may read) against stats_hourly.
  const parts: Tally = new Map();
  const compareList = [...compared];
  for (let i = 0; i < compareList.length; i += 24) {
    const docs = await Promise.all(compareList.slice(i, i + 24).map((h) => hourRowRecords(ctx.db).findOne({ _id: hourRecordId(h) })));
    for (const d of docs) {
      (d?.ids ?? []).forEach((id, k) => {
        const r = rowFromSignature(id, d?.sigs?.[k] ?? '');
        tallyAdd(parts, rowKey(r.hour, r), Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, r[f]])));
      });
    }
  }
  report.differences.push(...diffTallies('hourly_parts', rolledUp, parts, STAT_VALUE_FIELDS));

  const wholeDays = days.filter((d) => dayKeyToMs(d) >= fromMs && dayKeyToMs(d) + DAY_MS <= toMs);

  // Report documents and conversion buckets, built from and pointing at what was just compared.
  const fullyCompared = days.filter((d) => Array.from({ length: 24 }, (_, i) => dayKeyToMs(d) + i * HOUR_MS).every((h) => compared.has(h)));
  report.differences.push(...(await reportDocDifferences(ctx, fullyCompared)), ...(await conversionBucketDifferences(ctx, [...compared])), ...(await dueQueueDifferences(ctx, [...compared])));
  if (report.listCounters) report.differences.push(...(await listCounterDifferences(ctx, opts.listCounterOptions)));
  report.checked.days = fullyCompared.length;

  // Settled click earnings against the CPC value rolled up for their day, for whole days all of whose hours were compared.
  const earningsInRange = await ctx.models.ClickEarning.find({ dayStart: { $gte: new Date(dayStart(fromMs)), $lt: new Date(toMs) } }).lean();
  const comparedDays = days
    .map(dayKeyToMs)
    .filter((d) => {
      for (let h = d; h < d + DAY_MS; h += HOUR_MS) if (!compared.has(h)) return false;
      return true;
    })
    .map(isoDay);
  if (comparedDays.length) {
    const settledDays = new Set((await clickSettledDays(ctx.db).find({ _id: { $in: comparedDays } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    const inSettled = (key: string) => settledDays.has(key.slice(0, key.indexOf('|')));
    const settled: Tally = new Map();
    for (const e of earningsInRange) if (settledDays.has(e.day)) tallyAdd(settled, e._id, { clicks: e.clicks, payoutCents: e.payoutCents, revenueCents: e.revenueCents });
    const expectedCpc: Tally = new Map([...cpcByDay].filter(([k]) => inSettled(k)));
    report.differences.push(...diffTallies('click_earnings', expectedCpc, settled, ['clicks', 'payoutCents', 'revenueCents']));
    report.checked.clickDays = settledDays.size;
  }

  // Cap and budget counters of whole days in range that ended a while ago (postbacks and click batches of the
  // current day may still be in flight), except days whose raw clicks were dropped.
  const counterDays = wholeDays.filter((d) => !dropped.has(d) && dayKeyToMs(d) + DAY_MS + SETTLE_MS <= nowMs);
  report.differences.push(...(await counterDifferences(ctx, counterDays, clickSpend)));
  report.checked.counterDays = counterDays.length;

  // Payouts holding conversions or click earnings from the range.
  const byPeriod = await ctx.models.Payout.find({ status: { $ne: 'building' }, periodStart: { $lt: new Date(toMs) }, periodEnd: { $gte: new Date(fromMs) } }).lean();
  const periodIds = new Set(byPeriod.map((p) => p._id));
  const heldByOthers = [...new Set(earningsInRange.map((e) => e.payoutId).filter((id): id is string => id !== null && !periodIds.has(id)))];
  const payouts = heldByOthers.length
    ? [...byPeriod, ...(await ctx.models.Payout.find({ _id: { $in: heldByOthers }, status: { $ne: 'building' } }).lean())]
    : byPeriod;
  if (payouts.length) {
    const ids = payouts.map((p) => p._id);
    const [lines, convs, earnings, claims] = await Promise.all([
      ctx.models.PayoutLine.find({ payoutId: { $in: ids } }, { payoutId: 1, kind: 1, conversionId: 1, clickEarningId: 1, clicks: 1, amountCents: 1 }).lean(),
      ctx.models.Conversion.find({ payoutId: { $in: ids } }, { _id: 1, payoutId: 1, payoutCents: 1, status: 1 }).lean(),
      ctx.models.ClickEarning.find({ payoutId: { $in: ids } }, { _id: 1, payoutId: 1, payoutCents: 1, clicks: 1 }).lean(),
      payoutClaims(ctx.db).find({ payoutId: { $in: ids } }).toArray(),
    ]);
    const isClicksLine = (l: { kind?: string | null }) => l.kind === 'clicks';
    const byPayout = (rows: Array<{ payoutId: string | null; cents: number; approved?: boolean }>) => {
      const t: Tally = new Map();
      for (const r of rows) if (r.payoutId) tallyAdd(t, r.payoutId, { amountCents: r.cents, conversionCount: 1, approved: r.approved === false ? 0 : 1 });
      return t;
    };
    const expected: Tally = new Map(
      payouts.map((p) => [
        p._id,
        { amountCents: p.amountCents, conversionCount: p.conversionCount, clickEarningCount: p.clickEarningCount ?? 0, clickCount: p.clickCount ?? 0 },
      ]),
    );
    const lineTally: Tally = new Map();
    for (const l of lines) {
      tallyAdd(lineTally, l.payoutId, isClicksLine(l) ? { amountCents: l.amountCents, clickEarningCount: 1, clickCount: l.clicks ?? 0 } : { amountCents: l.amountCents, conversionCount: 1 });
    }
    report.differences.push(...diffTallies('payout_lines', expected, lineTally, ['amountCents', 'conversionCount', 'clickEarningCount', 'clickCount']));
    // A rejected payout has released its conversions and click earnings: only its lines remain, as a record.
    const live = new Set(payouts.filter((p) => p.status !== 'rejected').map((p) => p._id));
    const liveOrKnown = (t: Tally) => new Map([...t].filter(([k]) => live.has(k) || expected.has(k)));
    const expectedConvs: Tally = new Map(
      payouts.filter((p) => live.has(p._id)).map((p) => [p._id, { amountCents: p.amountCents - (p.clickAmountCents ?? 0), conversionCount: p.conversionCount, approved: p.conversionCount }]),
    );
    const convTally = byPayout(convs.map((c) => ({ payoutId: c.payoutId, cents: c.payoutCents, approved: c.status === 'approved' })));
    report.differences.push(...diffTallies('payout_conversions', expectedConvs, liveOrKnown(convTally), ['amountCents', 'conversionCount', 'approved']));
    const expectedEarnings: Tally = new Map(
      payouts.filter((p) => live.has(p._id)).map((p) => [p._id, { amountCents: p.clickAmountCents ?? 0, clickEarningCount: p.clickEarningCount ?? 0, clickCount: p.clickCount ?? 0 }]),
    );
    const earningTally: Tally = new Map();
    for (const e of earnings) if (e.payoutId) tallyAdd(earningTally, e.payoutId, { amountCents: e.payoutCents, clickEarningCount: 1, clickCount: e.clicks });
    report.differences.push(...diffTallies('payout_click_earnings', expectedEarnings, liveOrKnown(earningTally), ['amountCents', 'clickEarningCount', 'clickCount']));
    const claimTally: Tally = new Map();
    for (const c of claims) tallyAdd(claimTally, c.payoutId, isClickClaim(c._id) ? { clickEarningCount: 1 } : { conversionCount: 1 });
    const expectedLive: Tally = new Map([...expected].filter(([k]) => live.has(k)));
    report.differences.push(...diffTallies('payout_claims', expectedLive, claimTally, ['conversionCount', 'clickEarningCount']));
    // One by one: equal sums do not show a line naming the wrong conversion or click earning of the same amount.
    // Per payout|claim id, a line, the conversion's (or click earning's) payoutId and the claim must all be there,
    // and a clicks line must carry its click earning's clicks and amount.
    const links: Tally = new Map();
    const link = (payoutId: string | null, claimId: string, field: 'line' | 'conversion' | 'earning' | 'claim') => {
      if (payoutId && live.has(payoutId)) tallyAdd(links, `${payoutId}|${claimId}`, { [field]: 1 });
    };
    const clickLines: Tally = new Map();
    const clickDocs: Tally = new Map();
    for (const l of lines) {
      if (isClicksLine(l)) {
        const claimId = clickClaimId(l.clickEarningId ?? '');
        link(l.payoutId, claimId, 'line');
        if (live.has(l.payoutId)) tallyAdd(clickLines, `${l.payoutId}|${claimId}`, { amountCents: l.amountCents, clicks: l.clicks ?? 0 });
      } else link(l.payoutId, l.conversionId ?? '', 'line');
    }
    for (const c of convs) link(c.payoutId, c._id, 'conversion');
    for (const e of earnings) {
      link(e.payoutId, clickClaimId(e._id), 'earning');
      if (e.payoutId && live.has(e.payoutId)) tallyAdd(clickDocs, `${e.payoutId}|${clickClaimId(e._id)}`, { amountCents: e.payoutCents, clicks: e.clicks });
    }
    for (const c of claims) link(c.payoutId, c._id, 'claim');
    const complete: Tally = new Map(
      [...links.keys()].map((k): [string, Record<string, number>] => [k, isClickClaim(k.slice(k.indexOf('|') + 1)) ? { line: 1, earning: 1, claim: 1 } : { line: 1, conversion: 1, claim: 1 }]),
    );
    report.differences.push(...diffTallies('payout_links', complete, links, ['line', 'conversion', 'earning', 'claim']));
    const bothSides = (t: Tally) => new Map([...t].filter(([k]) => clickLines.has(k) && clickDocs.has(k)));
    report.differences.push(...diffTallies('payout_click_lines', bothSides(clickDocs), bothSides(clickLines), ['amountCents', 'clicks']));
    report.checked.payouts = payouts.length;
  }

  report.ok = report.differences.length === 0;
  return report;
}
