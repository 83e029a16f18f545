import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { campaignReport, overviewReport } from '@offerly/backend/analytics/reports';
import { reportWindow } from '@offerly/backend/analytics/query';
import { parseConfig } from '@offerly/backend/config';
import { createContext, type AppContext } from '@offerly/backend/context';
import { newId } from '@offerly/backend/db/ids';
import { clickPartition, partitionKey, type ClickDoc } from '@offerly/backend/db/raw-events';
import { DAY_MS, hourStart, hoursBetween } from '@offerly/backend/domain/time-buckets';
import { rollHours } from '@offerly/backend/rollups/hourly';
import type { AnalyticsVolume } from './options';
import { recordConversionHours } from '@offerly/backend/db/conversion-hours';
import { newTarget, progress } from './processes';
import { ratio } from './stats';
import { generateTraffic, type CampaignRef } from './traffic';

export interface ReportTiming {
  /** Analytics reading every hour from the raw partitions (before any rollup). */
  rawMs: number;
  /** The same call once every hour is rolled up (first call, then the median of three repeats). */
  rollupMs: number;
  rollupRepeatMedianMs: number;
  rawToRollup: number | null;
  equalTotals: boolean;
  equalSeries: boolean;
  rawFreshHours: number;
  rollupFreshHours: number;
}

export interface AnalyticsResult {
  volume: AnalyticsVolume & { clicks: number; conversions: number; partitions: number; statsHourlyRows: number; clicksPerStatsRow: number | null };
  ms: { seed: number; hourlyBackfill: number };
  campaignReport: ReportTiming;
  overviewReport: ReportTiming;
  method: string;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: Math.round(performance.now() - t0), result };
}

async function seed(ctx: AppContext, v: AnalyticsVolume, endMs: number) {
  const advertiser = newId();
  const campaigns: CampaignRef[] = [];
  for (let i = 0; i < v.campaigns; i++) {
    const c = await ctx.models.Campaign.create({
      advertiserId: advertiser, name: `Bench ${i}`, destinationUrl: 'https://shop.example.com/?c={click_id}', currency: i % 5 === 4 ? 'EUR' : 'USD',
      payoutModel: 'CPA', revenueCents: 1000, payoutCents: 700, trackSub1: i % 10 === 0, postbackSecret: crypto.randomBytes(12).toString('hex'),
    });
    campaigns.push({ _id: c._id, currency: c.currency, advertiserId: advertiser });
  }
  const affiliates = Array.from({ length: v.affiliates }, () => newId());
  await ctx.models.User.insertMany(affiliates.map((id, i) => ({ _id: id, email: `aff${i}@bench.test`, passwordHash: 'x', role: 'affiliate', status: 'approved', name: `Affiliate ${i}` })));
  const { clicks, conversions } = generateTraffic(v, endMs, campaigns, affiliates, newId);
  const byDay = new Map<string, ClickDoc[]>();
  for (const c of clicks) {
    const k = partitionKey(c.ts.getTime());
    const list = byDay.get(k);
    if (list) list.push(c);
    else byDay.set(k, [c]);
  }
  for (const [day, docs] of byDay) {
    const col = await clickPartition(ctx.db, day);
    for (let i = 0; i < docs.length; i += 5000) await col.insertMany(docs.slice(i, i + 5000), { ordered: false });
  }
  await recordConversionHours(ctx.db, conversions as unknown as Array<{ _id: string; hour: Date }>);
  for (let i = 0; i < conversions.length; i += 5000) await ctx.models.Conversion.collection.insertMany(conversions.slice(i, i + 5000) as never[], { ordered: false });
  return { campaigns, clicks: clicks.length, conversions: conversions.length, partitions: byDay.size };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Analytics over the configured volume (default 90 days × 1,000 affiliates):
 * the real report functions answer once with nothing rolled up, so every hour
 * is aggregated from the raw day partitions and conversions by the rollup's own
 * code, then the real rollups roll every hour and day, and the same calls
 * answer from `stats_hourly`. Both answers must agree.
 */
export async function runAnalyticsSuite(v: AnalyticsVolume, base: { mongoUrl: string; redisUrl: string; dataDir: string }): Promise<AnalyticsResult> {
  const t = newTarget(base, 'analytics');
  // No raw-answer cache: every report call does its own aggregation.
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: t.mongoDb, REDIS_PREFIX: t.redisPrefix, JWT_SECRET: t.jwtSecret, DATA_DIR: t.dataDir, ANALYTICS_RAW_CACHE_MS: '0' });
  const ctx = await createContext(config, { name: 'bench-analytics', mongoUrl: t.mongoUrl, redisUrl: t.redisUrl });
  try {
    const nowMs = Date.now();
    const endMs = hourStart(nowMs);
    const fromMs = endMs - v.days * DAY_MS;
    progress(`analytics: generating ${v.days} days × ${v.affiliates} affiliates (${v.clicksPerDay} clicks/day)`);
    const seeded = await time(() => seed(ctx, v, endMs));
    progress(`analytics: stored ${seeded.result.clicks} clicks and ${seeded.result.conversions} conversions in ${seeded.ms} ms`);
    const admin = { id: newId(), role: 'admin' as const, status: 'approved' as const };
    const campaignId = seeded.result.campaigns[0]!._id;
    const w = reportWindow({ from: fromMs, to: endMs, granularity: 'day', tz: 'UTC' }, nowMs);
    const campaign = () => campaignReport(ctx, admin, campaignId, w, 'affiliate', nowMs);
    const overview = () => overviewReport(ctx, w, 10, nowMs);

    progress('analytics: reports from raw events');
    const rawCampaign = await time(campaign);
    const rawOverview = await time(overview);
    progress(`analytics: raw campaign report ${rawCampaign.ms} ms, overview ${rawOverview.ms} ms; rolling up every hour`);

    let lastShown = 0;
    const backfill = await time(() => rollHours(ctx, hoursBetween(fromMs, endMs), {
      onProgress: (p) => {
        if (p.doneHours - lastShown >= 240 || p.doneHours === p.totalHours) {
          lastShown = p.doneHours;
          progress(`analytics: rolled ${p.doneHours}/${p.totalHours} hours`);
        }
      },
    }));
    progress(`analytics: hourly backfill (rows and report documents) ${backfill.ms} ms`);

    interface ReportLike { totals: unknown; series: unknown; freshHours: number }
    const timing = async (raw: { ms: number; result: ReportLike }, call: () => Promise<ReportLike>): Promise<ReportTiming> => {
      const first = await time(call);
      const repeats = [await time(call), await time(call), await time(call)];
      return {
        rawMs: raw.ms,
        rollupMs: first.ms,
        rollupRepeatMedianMs: median(repeats.map((r) => r.ms)),
        rawToRollup: ratio(raw.ms, first.ms),
        equalTotals: JSON.stringify(raw.result.totals) === JSON.stringify(first.result.totals),
        equalSeries: JSON.stringify(raw.result.series) === JSON.stringify(first.result.series),
        rawFreshHours: raw.result.freshHours,
        rollupFreshHours: first.result.freshHours,
      };
    };
    const campaignTiming = await timing(rawCampaign, campaign);
    const overviewTiming = await timing(rawOverview, overview);
    const statsHourlyRows = await ctx.db.collection('stats_hourly').countDocuments({});
    return {
      volume: { ...v, clicks: seeded.result.clicks, conversions: seeded.result.conversions, partitions: seeded.result.partitions, statsHourlyRows, clicksPerStatsRow: ratio(seeded.result.clicks, statsHourlyRows) },
      ms: { seed: seeded.ms, hourlyBackfill: backfill.ms },
      campaignReport: campaignTiming,
      overviewReport: overviewTiming,
      method:
        'campaignReport (one campaign, by affiliate, daily, UTC) and overviewReport (platform, top 10) from backend/src/analytics/reports.ts over the whole window; ' +
        'raw = the same functions before any rollup, so every hour is computed from the raw partitions and conversions (computeRawRows); rollup = after rollHours over the window (rows and report documents)',
    };
  } finally {
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
  }
}
