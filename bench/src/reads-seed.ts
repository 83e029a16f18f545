/**
 * The demo history of `npm run seed`, built by the seed's own functions
 * (seed/src/accounts, history, live, wrap-up) in the order seed/src/main.ts
 * calls them, into the bench's fresh database. Only the orchestration is
 * repeated here (main.ts runs as a script and cannot be imported); resuming,
 * progress bars and the printed account list are left out.
 */
import { performance } from 'node:perf_hooks';
import type { AppContext } from '@offerly/backend/context';
import { DAY_MS, HOUR_MS, hourStart } from '@offerly/backend/domain/time-buckets';
import { rebuildCampaignCounters } from '@offerly/backend/reconcile/campaign-counters';
import { applyFinalStatuses, seedNetwork, type SeededNetwork } from '../../seed/src/accounts';
import { DEMO_PASSWORD } from '../../seed/src/catalog';
import { writeHistory } from '../../seed/src/history';
import { LiveTally, rebuildLiveCounters } from '../../seed/src/live';
import { rollUpHistory, runHistoricalPayouts } from '../../seed/src/wrap-up';

export interface DemoHistoryOptions {
  days: number;
  clicks: number;
  /** Multiplies every campaign's conversion rate (the seed catalog's `cr`) by this factor. */
  conversionRateFactor: number;
  /** The seed's random seed (its default is 42). */
  seed?: number;
  log(message: string): void;
}

export interface DemoHistory {
  net: SeededNetwork;
  demoPassword: string;
  windowStart: number;
  windowEnd: number;
  counts: { clicks: number; conversions: number; postbacks: number; payoutRuns: number; payouts: number; hourlyRows: number };
  /** Wall time of each seed phase, as seed/src/main.ts reports them, and in total. */
  ms: { network: number; history: number; counters: number; rollups: number; payouts: number; total: number };
}

/**
 * The network with every campaign's conversion rate multiplied by `factor`
 * (the catalog's rates are at most 8 %, so 10× stays a probability). The
 * catalog itself is not changed: each campaign gets a copy of its entry.
 */
export function withConversionRate(net: SeededNetwork, factor: number): SeededNetwork {
  if (factor === 1) return net;
  return { ...net, campaigns: net.campaigns.map((c) => ({ ...c, demo: { ...c.demo, cr: Math.min(1, c.demo.cr * factor) } })) };
}

export async function buildDemoHistory(ctx: AppContext, o: DemoHistoryOptions): Promise<DemoHistory> {
  const t0 = performance.now();
  let phaseStart = t0;
  const phase = () => {
    const now = performance.now();
    const ms = Math.round(now - phaseStart);
    phaseStart = now;
    return ms;
  };
  const windowEnd = hourStart(Date.now());
  const windowStart = windowEnd - o.days * DAY_MS;

  const net = await seedNetwork(ctx, new Date(windowStart - HOUR_MS));
  const network = phase();
  o.log(`seed network: ${net.affiliates.length} affiliates, ${net.campaigns.length} campaigns (${network} ms)`);

  const live = new LiveTally(Date.now());
  let written = 0;
  let shown = 0;
  const counts = await writeHistory(ctx, withConversionRate(net, o.conversionRateFactor), {
    clicks: o.clicks,
    days: o.days,
    seed: o.seed ?? 42,
    windowEnd,
    done: new Set(),
    live,
    onProgress: (n) => {
      written += n;
      if (written - shown >= o.clicks / 10) {
        shown = written;
        o.log(`seed history: ${written}/${o.clicks} clicks`);
      }
    },
    onDayDone: async () => {},
  });
  const history = phase();
  o.log(`seed history: ${counts.clicks} clicks, ${counts.conversions} conversions, ${counts.postbacks} postbacks (${history} ms)`);

  await rebuildCampaignCounters(ctx, { clickSpend: counts.clickSpend });
  await applyFinalStatuses(ctx, net);
  await rebuildLiveCounters(ctx, live.events());
  const counters = phase();

  let lastHours = 0;
  const rolled = await rollUpHistory(ctx, windowStart, windowEnd, {
    onWait: o.log,
    onProgress: (p) => {
      if (p.doneHours - lastHours >= 120 || p.doneHours === p.totalHours) {
        lastHours = p.doneHours;
        o.log(`seed rollups: ${p.doneHours}/${p.totalHours} hours`);
      }
    },
  });
  const rollups = phase();
  o.log(`seed rollups: ${rolled.hours} hours, ${rolled.rows} hourly rows (${rollups} ms)`);

  const admin = await ctx.models.User.findOne({ email: net.adminEmail }, { _id: 1 }).lean();
  if (!admin) throw new Error(`admin ${net.adminEmail} not found after seeding`);
  const payouts = await runHistoricalPayouts(ctx, admin._id, windowStart, windowEnd, { onWait: o.log });
  const payoutMs = phase();
  o.log(`seed payouts: ${payouts.runs} runs, ${payouts.payouts} payouts (${payoutMs} ms)`);

  return {
    net,
    demoPassword: DEMO_PASSWORD,
    windowStart,
    windowEnd,
    counts: { clicks: counts.clicks, conversions: counts.conversions, postbacks: counts.postbacks, payoutRuns: payouts.runs, payouts: payouts.payouts, hourlyRows: rolled.rows },
    ms: { network, history, counters, rollups, payouts: payoutMs, total: Math.round(performance.now() - t0) },
  };
}
