/**
 * Rollup, analytics and reconciliation timings on a realistic volume:
 * `npm run bench:rollups [-- --clicks 200000 --days 7]`. Uses MONGO_URL /
 * REDIS_URL when set, else starts throwaway local services (FerretDB when no
 * mongod is installed). Prints one JSON document.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { campaignReport, affiliateReport, overviewReport } from '@offerly/backend/analytics/reports';
import { reportWindow } from '@offerly/backend/analytics/query';
import { parseConfig } from '@offerly/backend/config';
import { createContext, type AppContext } from '@offerly/backend/context';
import { newId } from '@offerly/backend/db/ids';
import { clickPartition, type ClickDoc } from '@offerly/backend/db/raw-events';
import { statusFlags } from '@offerly/backend/domain/attribution';
import { newClickId } from '@offerly/backend/domain/click-id';
import { DAY_MS, dayKey, HOUR_MS, hourStart, hoursBetween, daysBetween } from '@offerly/backend/domain/time-buckets';
import { reconcile } from '@offerly/backend/reconcile/reconcile';
import { rollDays } from '@offerly/backend/rollups/daily';
import { hoursToRoll, rollHours } from '@offerly/backend/rollups/hourly';
import { startLocalServices } from '@offerly/backend/services/index';

const { values } = parseArgs({ options: { clicks: { type: 'string', default: '200000' }, days: { type: 'string', default: '7' }, campaigns: { type: 'string', default: '20' }, affiliates: { type: 'string', default: '50' } } });
const CLICKS = Number(values.clicks);
const DAYS = Number(values.days);
const N_CAMPAIGNS = Number(values.campaigns);
const N_AFFILIATES = Number(values.affiliates);
const CONVERSION_RATE = 0.02;

const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: Math.round(performance.now() - t0), result };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seed(ctx: AppContext, nowMs: number) {
  const rand = rng(42);
  const advertiser = newId();
  const campaigns = [];
  for (let i = 0; i < N_CAMPAIGNS; i++) {
    const c = await ctx.models.Campaign.create({
      advertiserId: advertiser,
      name: `Bench ${i}`,
      destinationUrl: 'https://shop.example.com/?c={click_id}',
      currency: i % 5 === 4 ? 'EUR' : 'USD',
      payoutModel: 'CPA',
      revenueCents: 1000,
      payoutCents: 700,
      trackSub1: i % 10 === 0,
      postbackSecret: crypto.randomBytes(12).toString('hex'),
    });
    campaigns.push(c.toObject());
  }
  const affiliates = Array.from({ length: N_AFFILIATES }, () => newId());
  const start = nowMs - DAYS * DAY_MS;
  const byDay = new Map<string, ClickDoc[]>();
  const conversions: object[] = [];
  for (let i = 0; i < CLICKS; i++) {
    const ts = Math.floor(start + rand() * (nowMs - start));
    const c = campaigns[Math.floor(rand() * campaigns.length)]!;
    const a = affiliates[Math.floor(rand() * affiliates.length)]!;
    const invalid = rand() < 0.05 ? 1 : 0;
    const id = newClickId(ts);
    const sub1 = `placement-${Math.floor(rand() * 20)}`;
    const doc: ClickDoc = {
      _id: id, ts: new Date(ts), hour: new Date(hourStart(ts)), linkId: 'L', campaignId: c._id, affiliateId: a, advertiserId: advertiser,
      unique: rand() < 0.8 ? 1 : 0, valid: invalid ? 0 : 1, invalid, reason: invalid ? 'bot' : null, sub1, sub2: null, sub3: null, sub4: null, sub5: null,
      visitor: id.slice(12), ua: 'bench', country: null, referer: null, deepLink: null, revenueCents: 0, payoutCents: 0, currency: c.currency,
    };
    const list = byDay.get(dayKey(ts)) ?? [];
    list.push(doc);
    byDay.set(dayKey(ts), list);
    if (!invalid && rand() < CONVERSION_RATE) {
      const at = Math.min(nowMs - 1000, ts + Math.floor(rand() * 3_600_000));
      const status = (['approved', 'approved', 'pending', 'rejected'] as const)[Math.floor(rand() * 4)]!;
      const f = statusFlags(status);
      conversions.push({
        _id: newId(), clickId: id, linkId: 'L', campaignId: c._id, affiliateId: a, advertiserId: advertiser, txnId: id, clickKey: id, status, reason: null, suspectedFraud: false, ...f,
        currency: c.currency, saleAmountCents: null, revenueCents: 1000, payoutCents: 700, revApprovedCents: f.approved * 1000, revPendingCents: f.pending * 1000,
        payApprovedCents: f.approved * 700, payPendingCents: f.pending * 700, capHeld: true, capDay: dayKey(at), clickedAt: new Date(ts), convertedAt: new Date(at),
        hour: new Date(hourStart(at)), approvedAt: null, sub1, sub2: null, sub3: null, sub4: null, sub5: null, payoutId: null, history: [], createdAt: new Date(at), updatedAt: new Date(at),
      });
    }
  }
  for (const [day, docs] of byDay) {
    const col = await clickPartition(ctx.db, day);
    for (let i = 0; i < docs.length; i += 5000) await col.insertMany(docs.slice(i, i + 5000), { ordered: false });
    progress(`inserted ${docs.length} clicks into clicks_${day}`);
  }
  for (let i = 0; i < conversions.length; i += 5000) await ctx.models.Conversion.collection.insertMany(conversions.slice(i, i + 5000) as never[], { ordered: false });
  return { campaigns, affiliates, conversions: conversions.length, partitions: Object.fromEntries([...byDay].map(([d, l]) => [d, l.length])) };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-bench-'));
  const services = await startLocalServices({ dataDir, mongoUrl: process.env.MONGO_URL, redisUrl: process.env.REDIS_URL, log: progress });
  const id = crypto.randomBytes(4).toString('hex');
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: `bench_${id}`, REDIS_PREFIX: `bench${id}`, DATA_DIR: dataDir, ANALYTICS_RAW_CACHE_MS: '5000' });
  const ctx = await createContext(config, { name: 'bench', mongoUrl: services.mongoUrl, redisUrl: services.redisUrl });
  try {
    const nowMs = Date.now();
    const seeded = await time(() => seed(ctx, nowMs));
    progress(`seeded in ${seeded.ms} ms`);
    const { campaigns, affiliates } = seeded.result;
    const admin = { id: newId(), role: 'admin' as const, status: 'approved' as const };
    const camp = campaigns[0]!;
    const w = (granularity: 'hour' | 'day', days: number, tz = 'UTC') => reportWindow({ from: nowMs - days * DAY_MS, to: nowMs, granularity, tz }, nowMs);

    // Before any rollup: every hour comes from raw events.
    const coldRaw = await time(() => campaignReport(ctx, admin, camp._id, w('day', DAYS), 'affiliate', nowMs));
    progress(`campaign report from raw only: ${coldRaw.ms} ms`);

    const allHours = hoursBetween(nowMs - DAYS * DAY_MS, nowMs);
    const backfill = await time(() => rollHours(ctx, allHours));
    progress(`hourly backfill: ${backfill.ms} ms`);
    const rerun = await time(() => rollHours(ctx, allHours));
    const daily = await time(() => rollDays(ctx, daysBetween(nowMs - DAYS * DAY_MS, nowMs)));
    const scheduledHours = await hoursToRoll(ctx, nowMs, ctx.config.ROLLUP_LOOKBACK_HOURS);
    const scheduled = await time(() => rollHours(ctx, scheduledHours));

    const reports = {
      campaignDayFirst: await time(() => campaignReport(ctx, admin, camp._id, w('day', DAYS), 'affiliate', nowMs)),
      campaignDayRepeat: await time(() => campaignReport(ctx, admin, camp._id, w('day', DAYS), 'affiliate', nowMs)),
      campaignHourNewYork: await time(() => campaignReport(ctx, admin, camp._id, w('hour', DAYS, 'America/New_York'), undefined, nowMs)),
      campaignDaySub1: await time(() => campaignReport(ctx, admin, camp._id, w('day', DAYS, 'Europe/Paris'), 'sub1', nowMs)),
      affiliate: await time(() => affiliateReport(ctx, admin, affiliates[0]!, undefined, w('day', DAYS), nowMs)),
      overview: await time(() => overviewReport(ctx, w('day', DAYS), 10, nowMs)),
    };
    const rec = await time(() => reconcile(ctx, { fromMs: hourStart(nowMs - DAYS * DAY_MS), toMs: hourStart(nowMs) + HOUR_MS, nowMs }));
    const statsHourlyDocs = await ctx.db.collection('stats_hourly').estimatedDocumentCount();

    const out = {
      server: services.mongoKind,
      volume: { clicks: CLICKS, conversions: seeded.result.conversions, days: DAYS, campaigns: N_CAMPAIGNS, affiliates: N_AFFILIATES, partitions: seeded.result.partitions, statsHourlyDocs },
      ms: {
        seed: seeded.ms,
        campaignReportAllRaw: coldRaw.ms,
        hourlyBackfill: backfill.ms,
        hourlyBackfillPerDay: Math.round(backfill.ms / (DAYS + 1)),
        hourlyRerunSameRange: rerun.ms,
        dailyRollup: daily.ms,
        scheduledHourlyRun: scheduled.ms,
        scheduledHourlyRunHours: scheduledHours.length,
        ...Object.fromEntries(Object.entries(reports).map(([k, v]) => [k, v.ms])),
        reconcile: rec.ms,
      },
      checks: {
        backfill: backfill.result,
        rerunDeleted: rerun.result.deleted,
        rawOnlyEqualsRolled: JSON.stringify(coldRaw.result.totals) === JSON.stringify(reports.campaignDayRepeat.result.totals) || 'differs (the current hour moved on)',
        reconcileOk: rec.result.ok,
        reconcileDifferences: rec.result.differences.length,
        freshHoursAfterRollup: reports.campaignDayRepeat.result.freshHours,
      },
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
    await services.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
