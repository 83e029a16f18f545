import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { statsHourly } from '../src/db/models/stats';
import { monthDayField, reportMonthId, reportMonths } from '../src/db/report-docs';
import { decodeVec } from '../src/domain/report-scopes';
import { writeReportDay } from '../src/rollups/report-days';
import { listDirtyHours, markHoursDirty } from '../src/db/rollup-dirty';
import { hourRowRecords, rolledHours, rolledHoursBetween } from '../src/db/rollup-state';
import { HOUR_MS, dayKey, dayStart, hourKey, hourStart, hoursBetween } from '../src/domain/time-buckets';
import { acquireLock } from '../src/job-runs/lock';
import { daySpans, hoursToRoll, rollHours, ROLL_SPAN_DAYS, type RollProgress } from '../src/rollups/hourly';
import { createTestContext, destroyTestContext } from './helpers/context';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let b: RawEventsBuilder;
let camps: BuiltCampaign[];
const affs = [newId(), newId(), newId()];
// Five hours across a UTC midnight, so two click partitions are involved.
const H0 = Date.UTC(2026, 2, 9, 22);
const HOURS = [0, 1, 2, 3, 4].map((i) => H0 + i * HOUR_MS);

/** stats_hourly summed per hour|campaign|affiliate (sub1 rows folded), the same key the builder tallies. */
async function hourlyTally() {
  const docs = await statsHourly(ctx.db).find({}).toArray();
  const out = new Map<string, Record<string, number>>();
  for (const d of docs) {
    const k = `${d.hour.getTime()}|${d.campaignId}|${d.affiliateId}`;
    const row = out.get(k) ?? {};
    for (const f of ['clicks', 'uniqueClicks', 'invalidClicks', 'conversions', 'approvedConversions', 'pendingConversions', 'rejectedConversions', 'revenueCents', 'payoutCents'] as const) {
      row[f] = (row[f] ?? 0) + d[f];
    }
    out.set(k, row);
  }
  return out;
}

function expectedTally() {
  const exp = b.expected((e) => `${e.hour}|${e.campaignId}|${e.affiliateId}`);
  for (const row of exp.values()) {
    for (const f of ['clicks', 'uniqueClicks', 'invalidClicks', 'conversions', 'approvedConversions', 'pendingConversions', 'rejectedConversions', 'revenueCents', 'payoutCents']) row[f] ??= 0;
  }
  return exp;
}

beforeAll(async () => {
  ctx = await createTestContext();
  b = new RawEventsBuilder(ctx);
  camps = [
    await b.campaign({ name: 'A', trackSub1: true }),
    await b.campaign({ name: 'B', currency: 'EUR' }),
    await b.campaign({ name: 'C', payoutModel: 'CPC', revenueCents: 30, payoutCents: 20 }),
  ];
  // A deterministic spread: each hour × campaign × affiliate gets a different mix.
  const clicks = [];
  const convs = [];
  let n = 0;
  for (const h of HOURS) {
    for (const [ci, c] of camps.entries()) {
      for (const [ai, a] of affs.entries()) {
        const k = (ci * 3 + ai + HOURS.indexOf(h)) % 5;
        for (let i = 0; i < k + 1; i++) {
          n++;
          clicks.push({
            at: h + (i * 7 + 1) * 60_000,
            campaign: c,
            affiliateId: a,
            unique: (i % 3 === 2 ? 0 : 1) as 0 | 1,
            invalid: i % 4 === 3,
            sub1: i % 2 ? `s${i % 3}` : null,
            cpcRevenueCents: c.name === 'C' && i % 4 !== 3 ? 30 : 0,
            cpcPayoutCents: c.name === 'C' && i % 4 !== 3 ? 20 : 0,
          });
        }
        if (k >= 2) {
          convs.push({ at: h + 40 * 60_000, campaign: c, affiliateId: a, status: (['approved', 'pending', 'rejected'] as const)[n % 3], revenueCents: 1000 + k, payoutCents: 700 + k, sub1: k % 2 ? 'conv' : null });
        }
      }
    }
  }
  await b.addClicks(clicks);
  await b.addConversions(convs);
}, 60_000);

afterAll(async () => { await destroyTestContext(ctx); });

describe('hourly rollup', () => {
  it('equals the raw counts for every hour × campaign × affiliate, and a re-run changes nothing', async () => {
    const counts = await rollHours(ctx, HOURS);
    expect(counts.hours).toBe(5);
    expect(counts.clicks).toBe(b.clicks.length);
    expect(await hourlyTally()).toEqual(expectedTally());
    const before = await statsHourly(ctx.db).find({}).sort({ _id: 1 }).toArray();
    const again = await rollHours(ctx, HOURS);
    expect(again).toMatchObject({ deleted: 0, written: 0, rows: counts.rows });
    const forced = await rollHours(ctx, HOURS, { force: true });
    expect(forced).toMatchObject({ deleted: 0, written: counts.rows });
    expect(await statsHourly(ctx.db).find({}).sort({ _id: 1 }).toArray()).toEqual(before);
  });

  it('keeps sub1 rows only for campaigns that track sub1', async () => {
    const docs = await statsHourly(ctx.db).find({}).toArray();
    const subs = (c: BuiltCampaign) => new Set(docs.filter((d) => d.campaignId === c._id).map((d) => d.sub1));
    expect(subs(camps[0]!)).toEqual(new Set(['', 's0', 's1', 'conv']));
    expect(subs(camps[1]!)).toEqual(new Set(['']));
    expect(subs(camps[2]!)).toEqual(new Set(['']));
    const one = docs.find((d) => d.campaignId === camps[0]!._id && d.sub1 === 's1');
    expect(one?._id).toBe(`${one!.hour.toISOString()}|${camps[0]!._id}|${one!.affiliateId}|s1`);
  });

  it('picks up a late click and a conversion status change through dirty marks', async () => {
    const late = await b.addClick({ at: HOURS[1]! + 59 * 60_000, campaign: camps[1]!, affiliateId: affs[2]! });
    const conv = b.conversions.find((c) => c.status === 'pending')!;
    await b.setStatus(conv._id, 'approved');
    await markHoursDirty(ctx.db, [late.ts, conv.hour]);
    expect(await hourlyTally()).not.toEqual(expectedTally());
    const hours = await hoursToRoll(ctx, Date.now(), 0);
    expect(hours).toEqual(expect.arrayContaining([HOURS[1], conv.hour.getTime()]));
    await rollHours(ctx, hours);
    expect(await hourlyTally()).toEqual(expectedTally());
    expect((await listDirtyHours(ctx.db)).length).toBe(0);
  });

  it('deletes rows that no longer exist when an hour is re-rolled', async () => {
    // The campaign stops tracking sub1: its per-sub1 rows fold into one.
    const h = HOURS[2]!;
    const before = await statsHourly(ctx.db).countDocuments({ hour: new Date(h), campaignId: camps[0]!._id });
    await ctx.models.Campaign.updateOne({ _id: camps[0]!._id }, { $set: { trackSub1: false } });
    const res = await rollHours(ctx, [h]);
    const after = await statsHourly(ctx.db).find({ hour: new Date(h), campaignId: camps[0]!._id }).toArray();
    expect(after.every((d) => d.sub1 === '')).toBe(true);
    expect(res.deleted).toBe(before - after.length);
    expect(res.deleted).toBeGreaterThan(0);
    await ctx.models.Campaign.updateOne({ _id: camps[0]!._id }, { $set: { trackSub1: true } });
    await rollHours(ctx, [h]);
    expect(await hourlyTally()).toEqual(expectedTally());
  });

  it('repairs rows planted or altered behind its back when forced (the backfill)', async () => {
    const c = b.conversions.find((x) => x.hour.getTime() === HOURS[4]!)!;
    const ghost = `${new Date(HOURS[4]!).toISOString()}|${c.campaignId}|${newId()}|`;
    const some = (await statsHourly(ctx.db).findOne({ hour: new Date(HOURS[4]!) }))!;
    await statsHourly(ctx.db).insertOne({ ...some, _id: ghost });
    await statsHourly(ctx.db).updateOne({ _id: some._id }, { $inc: { clicks: 100 } });
    const res = await rollHours(ctx, [HOURS[4]!], { force: true });
    expect(res.deleted).toBe(1);
    expect(await statsHourly(ctx.db).findOne({ _id: ghost })).toBeNull();
    expect(await hourlyTally()).toEqual(expectedTally());
  });

  it('replaces rows already stored when its roll records were lost (a roll stopped before writing them)', async () => {
    const h = HOURS[3]!;
    await hourRowRecords(ctx.db).deleteOne({ _id: hourKey(h) });
    // A click on a row that exists, so a skipped row would keep its old count.
    const row = (await statsHourly(ctx.db).findOne({ hour: new Date(h), campaignId: camps[2]!._id }))!;
    await b.addClick({ at: h + 30 * 60_000, campaign: camps[2]!, affiliateId: row.affiliateId });
    const res = await rollHours(ctx, [h]);
    expect(res.written).toBeGreaterThan(0);
    expect(await hourlyTally()).toEqual(expectedTally());
    expect(await rollHours(ctx, [h])).toMatchObject({ written: 0, deleted: 0 });
  });

  it('keeps a dirty mark set while the hour was being rolled', async () => {
    await markHoursDirty(ctx.db, [HOURS[0]!]);
    const [mark] = await listDirtyHours(ctx.db);
    // Another event arrives after the roll read the mark: v moves on and the mark must survive.
    await markHoursDirty(ctx.db, [HOURS[0]!]);
    const { clearDirtyHour } = await import('../src/db/rollup-dirty');
    expect(await clearDirtyHour(ctx.db, mark!._id, mark!.v)).toBe(false);
    await rollHours(ctx, [HOURS[0]!]);
    expect(await listDirtyHours(ctx.db)).toEqual([]);
  });
});

describe('catch-up of hours never rolled', () => {
  it('finds holes older than the lookback (10 days back), newest first, a bounded number per run', async () => {
    const own = await createTestContext();
    try {
      const ob = new RawEventsBuilder(own);
      const c = await ob.campaign();
      const aff = newId();
      const now = Date.now();
      const current = hourStart(now);
      const old = hourStart(now - 10 * 86_400_000);
      // Five hours with clicks ten days back, never rolled (the jobs process was down, a roll failed).
      const holes = [0, 1, 2, 5, 9].map((i) => old + i * HOUR_MS);
      await ob.addClicks(holes.map((h) => ({ at: h + 60_000, campaign: c, affiliateId: aff })));
      // One more hour rolled while it was still running (an early roll is not a complete one).
      const early = old + 12 * HOUR_MS;
      await ob.addClick({ at: early + 60_000, campaign: c, affiliateId: aff });
      // Everything else, from the oldest partition's midnight to now, rolled after it ended.
      await rollHours(own, hoursBetween(dayStart(old), current).filter((h) => !holes.includes(h)));
      await rolledHours(own.db).updateOne({ _id: hourKey(early) }, { $set: { readAt: new Date(early + 30 * 60_000) } });

      const lookback = [3, 2, 1, 0].map((i) => current - i * HOUR_MS);
      const runs: number[][] = [];
      for (let run = 0; run < 5; run++) {
        const hours = await hoursToRoll(own, now, 3, { maxCatchUp: 2 });
        const caughtUp = hours.filter((h) => !lookback.includes(h));
        if (caughtUp.length === 0) break;
        runs.push(caughtUp);
        await rollHours(own, hours);
      }
      expect(runs).toEqual([[holes[4]!, early], [holes[2]!, holes[3]!], [holes[0]!, holes[1]!]]);
      const rolled = await statsHourly(own.db).find({ hour: { $in: [...holes, early].map((h) => new Date(h)) } }).toArray();
      expect(rolled.reduce((n, r) => n + r.clicks, 0)).toBe(6);
      expect(await hoursToRoll(own, now, 3)).toEqual(lookback);
    } finally {
      await destroyTestContext(own);
    }
  });
});

describe('rolling many days', () => {
  it('groups sorted hours by UTC day and cuts the days into spans of at most N', () => {
    const d0 = Date.UTC(2026, 0, 1);
    const hours = [0, 1, 23, 24, 50, 72, 73, 120].map((i) => d0 + i * HOUR_MS);
    const day = (k: number, ...idx: number[]) => ({ day: dayKey(d0 + k * 86_400_000), hours: idx.map((i) => hours[i]) });
    expect(daySpans(hours, 2)).toEqual([[day(0, 0, 1, 2), day(1, 3)], [day(2, 4), day(3, 5, 6)], [day(5, 7)]]);
    expect(daySpans(hours, 10)).toEqual([[day(0, 0, 1, 2), day(1, 3), day(2, 4), day(3, 5, 6), day(5, 7)]]);
    expect(daySpans([], 7)).toEqual([]);
  });

  it('rolls more days than one span holds, equal to the raw counts, with progress after each day', async () => {
    const own = await createTestContext();
    try {
      const ob = new RawEventsBuilder(own);
      const c = await ob.campaign();
      const aff = newId();
      const start = Date.UTC(2026, 4, 1);
      const days = ROLL_SPAN_DAYS + 2;
      // One click a day at 10:00 and a conversion on the last day of the first span and the first of the next.
      await ob.addClicks(Array.from({ length: days }, (_, i) => ({ at: start + i * 86_400_000 + 10 * HOUR_MS, campaign: c, affiliateId: aff })));
      await ob.addConversions([ROLL_SPAN_DAYS - 1, ROLL_SPAN_DAYS].map((i) => ({ at: start + i * 86_400_000 + 11 * HOUR_MS, campaign: c, affiliateId: aff, status: 'approved' as const, revenueCents: 500, payoutCents: 300 })));
      const progress: RollProgress[] = [];
      const counts = await rollHours(own, hoursBetween(start, start + days * 86_400_000), { onProgress: (p) => progress.push(p) });
      expect(counts).toMatchObject({ hours: days * 24, clicks: days, conversions: 2 });
      expect(progress.map((p) => [p.day, p.doneHours])).toEqual(Array.from({ length: days }, (_, i) => [dayKey(start + i * 86_400_000), (i + 1) * 24]));
      const rows = await statsHourly(own.db).find({}).toArray();
      expect(rows.map((r) => [dayKey(r.hour.getTime()), r.clicks, r.approvedConversions]).sort()).toEqual(
        Array.from({ length: days }, (_, i) => {
          const day = dayKey(start + i * 86_400_000);
          const conv = i === ROLL_SPAN_DAYS - 1 || i === ROLL_SPAN_DAYS ? [[day, 0, 1]] : [];
          return [[day, 1, 0], ...conv];
        }).flat().sort(),
      );
      expect(await rollHours(own, hoursBetween(start, start + days * 86_400_000))).toMatchObject({ written: 0, deleted: 0 });
    } finally {
      await destroyTestContext(own);
    }
  });
});

describe('roll records', () => {
  it('are found by hour range: hours starting in [from, to)', async () => {
    const base = Date.UTC(2020, 0, 1, 0);
    await rollHours(ctx, [0, 1, 2, 3].map((i) => base + i * HOUR_MS));
    const hours = async (from: number | null, to: number | null) =>
      (await rolledHoursBetween(ctx.db, from, to)).map((r) => (r.hour.getTime() - base) / HOUR_MS).filter((h) => h >= 0 && h < 4).sort();
    expect(await hours(base + HOUR_MS, base + 3 * HOUR_MS)).toEqual([1, 2]);
    expect(await hours(base + HOUR_MS / 2, base + 2 * HOUR_MS + 1)).toEqual([1, 2]);
    expect(await hours(null, base + 2 * HOUR_MS)).toEqual([0, 1]);
    expect(await hours(base + 3 * HOUR_MS, null)).toEqual([3]);
  });
});

describe('report documents', () => {
  it("hold each day's totals per campaign in the month document, equal to the day's hourly rows, also after re-runs", async () => {
    await rollHours(ctx, HOURS);
    await rollHours(ctx, HOURS);
    const hourly = await statsHourly(ctx.db).find({}).toArray();
    const expected = new Map<string, [number, number, number]>();
    for (const r of hourly) {
      const k = `c:${r.campaignId}|${r.day}`;
      const v = expected.get(k) ?? [0, 0, 0];
      expected.set(k, [v[0] + r.clicks, v[1] + r.revenueCents, v[2] + r.approvedConversions + r.pendingConversions]);
    }
    expect(expected.size).toBeGreaterThan(0);
    for (const [k, v] of expected) {
      const [scope, day] = k.split('|') as [string, string];
      const month = await reportMonths(ctx.db).findOne({ _id: reportMonthId(scope, day) });
      const slot = Object.values(month?.[monthDayField(day)] ?? {})[0];
      const t = decodeVec(slot?.t ?? '');
      expect({ k, got: [t[0], t[7], t[3]] }).toEqual({ k, got: v });
    }
  });

  it('has one writer per day at a time, whoever rolls it (the hourly job, the backfill, the seed)', async () => {
    const day = dayKey(HOURS[4]!);
    const other = (await acquireLock(ctx.redis, ctx.keys.jobLock(`report-day:${day}`), 10_000))!;
    let finishedAt = 0;
    const waiting = writeReportDay(ctx, day).then(() => (finishedAt = Date.now()));
    await new Promise((r) => setTimeout(r, 300));
    expect(finishedAt).toBe(0);
    const releasedAt = Date.now();
    await other.release();
    await waiting;
    expect(finishedAt).toBeGreaterThanOrEqual(releasedAt);
    expect(await ctx.redis.get(ctx.keys.jobLock(`report-day:${day}`))).toBeNull();
  });
});
