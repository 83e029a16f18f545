import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { userIdByEmail } from '../../backend/src/accounts/email-keys';
import { createContext, type AppContext } from '../../backend/src/context';
import { fatal, loadConfigOrExit, onShutdown, resolveServiceUrls } from '../../backend/src/main/runtime';
import { startLocalServices, type LocalServices } from '../../backend/src/services';
import { DAY_MS, HOUR_MS, hourStart } from '../../backend/src/domain/time-buckets';
import { applyFinalStatuses, seedNetwork } from './accounts';
import { ADVERTISERS, AFFILIATES, DEMO_PASSWORD } from './catalog';
import { rebuildCampaignCounters } from '../../backend/src/reconcile/campaign-counters';
import { writeHistory } from './history';
import { LiveTally, rebuildLiveCounters } from './live';
import { rollUpHistory, runHistoricalPayouts } from './wrap-up';

interface SeedState {
  _id: string;
  windowEnd: Date;
  clicks: number;
  days: number;
  seed: number;
  completedDays: string[];
}

const USAGE = `npm run seed -- [--clicks N] [--days N] [--seed N] [--reset]
  --clicks   clicks of history to generate (default 1000000)
  --days     days of history ending now (default 30)
  --seed     random seed; the same seed and window give the same data (default 42)
  --reset    drop Offerly's database and Redis keys first`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      clicks: { type: 'string', default: '1000000' },
      days: { type: 'string', default: '30' },
      seed: { type: 'string', default: '42' },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`--${name} must be an integer between ${min} and ${max}\n\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  return {
    clicks: num('clicks', values.clicks, 0, 50_000_000),
    days: num('days', values.days, 1, 365),
    seed: num('seed', values.seed, 0, 2 ** 31),
    reset: values.reset,
  };
}

async function resetData(ctx: AppContext): Promise<void> {
  await ctx.db.dropDatabase();
  let cursor = '0';
  do {
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `${ctx.keys.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await ctx.redis.del(...keys);
  } while (cursor !== '0');
}

/** `npm run seed`: demo accounts, campaigns of every model, links and a realistic history. */
async function main(): Promise<void> {
  const opts = parseOptions();
  const config = loadConfigOrExit();
  let services: LocalServices | null = null;
  let urls;
  try {
    urls = await resolveServiceUrls(config);
  } catch {
    console.log('[seed] no running services found; starting local MongoDB and Redis for the seed');
    services = await startLocalServices({ dataDir: config.DATA_DIR, log: (m) => console.log(`[seed] ${m}`) });
    // Interrupted seeds resume where they stopped; the services they started must not outlive them.
    const started = services;
    onShutdown(async () => {
      console.log('[seed] interrupted; stopping the services it started (re-run to resume)');
      await started.stop();
    });
    urls = { mongoUrl: services.mongoUrl, redisUrl: services.redisUrl };
  }
  const started = Date.now();
  let phaseStart = started;
  /** Seconds since the previous call: each phase line tells how long it took. */
  const phaseSecs = () => {
    const now = Date.now();
    const secs = ((now - phaseStart) / 1000).toFixed(0);
    phaseStart = now;
    return `${secs} s`;
  };
  let ctx = await createContext({ ...config, LOG_LEVEL: 'warn' }, { name: 'seed', ...urls });
  try {
    if (opts.reset) {
      console.log('[seed] --reset: dropping the database and Redis keys');
      await resetData(ctx);
      await ctx.close();
      ctx = await createContext({ ...config, LOG_LEVEL: 'warn' }, { name: 'seed', ...urls });
    }
    const stateCol = ctx.db.collection<SeedState>('seed_state');
    let state = await stateCol.findOne({ _id: 'history' });
    if (state && (state.clicks !== opts.clicks || state.days !== opts.days || state.seed !== opts.seed)) {
      console.log(
        `[seed] history was already seeded with --clicks ${state.clicks} --days ${state.days} --seed ${state.seed}; ` +
          'keeping it (use --reset to start over with new options)',
      );
      opts.clicks = state.clicks;
      opts.days = state.days;
      opts.seed = state.seed;
    }
    if (!state) {
      // The window ends at the last full hour, fixed on the first run so a re-run regenerates the same events.
      state = { _id: 'history', windowEnd: new Date(hourStart(Date.now())), clicks: opts.clicks, days: opts.days, seed: opts.seed, completedDays: [] };
      await stateCol.insertOne(state);
    }
    const windowEnd = state.windowEnd.getTime();
    const windowStart = windowEnd - opts.days * DAY_MS;

    const net = await seedNetwork(ctx, new Date(windowStart - HOUR_MS));
    console.log(`[seed] network: ${net.advertisers.size} advertisers, ${net.affiliates.length} affiliates, ${net.campaigns.length} campaigns, ${net.campaigns.reduce((n, c) => n + c.links.length, 0)} links`);

    const bar = new cliProgress.SingleBar(
      { format: '[seed] history |{bar}| {percentage}% | {value}/{total} clicks | {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(opts.clicks, 0);
    const done = new Set(state.completedDays);
    const live = new LiveTally(Date.now());
    const counts = await writeHistory(ctx, net, {
      ...opts,
      windowEnd,
      done,
      live,
      onProgress: (n) => bar.increment(n),
      onDayDone: async (day) => {
        await stateCol.updateOne({ _id: 'history' }, { $addToSet: { completedDays: day } });
      },
    });
    bar.stop();
    console.log(`[seed] history written (${phaseSecs()})`);
    await rebuildCampaignCounters(ctx, { clickSpend: counts.clickSpend });
    await applyFinalStatuses(ctx, net);
    const counted = await rebuildLiveCounters(ctx, live.events());
    console.log(
      `[seed] live counters: ${counted.clicks} clicks and ${counted.conversions} conversions of today and the last hour counted` +
        (counted.alreadyCounted ? ` (${counted.alreadyCounted} hours were counted by an earlier run)` : '') +
        `, cap counters rebuilt (${phaseSecs()})`,
    );

    const waitLog = { onWait: (m: string) => console.log(`[seed] ${m}`) };
    const rollBar = new cliProgress.SingleBar(
      { format: '[seed] rollups |{bar}| {percentage}% | {value}/{total} hours | {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
      cliProgress.Presets.shades_classic,
    );
    // A re-run that wrote no history keeps the rollup an earlier run made of this window.
    const reuseDone = counts.daysWritten === 0;
    if (!reuseDone) rollBar.start(opts.days * 24, 0);
    const rolled = await rollUpHistory(ctx, windowStart, windowEnd, { ...waitLog, reuseDone, onProgress: (p) => rollBar.update(p.doneHours) });
    if (!reuseDone) rollBar.stop();
    console.log(`[seed] rollups: ${rolled.hours} ${rolled.hours === 1 ? 'hour' : 'hours'}, ${rolled.days} ${rolled.days === 1 ? 'day' : 'days'}, ${rolled.rows} hourly rows${rolled.reused ? ' (rolled up by an earlier run)' : ''} (${phaseSecs()})`);
    const adminId = await userIdByEmail(ctx.db, net.adminEmail);
    if (!adminId) throw new Error(`admin ${net.adminEmail} not found`);
    const payouts = await runHistoricalPayouts(ctx, adminId, windowStart, windowEnd, waitLog);
    console.log(
      `[seed] payouts: ${payouts.runs} weekly runs (${payouts.newRuns} made now), ${payouts.payouts} new payouts covering ${payouts.conversions} conversions and ${payouts.clickEarnings} daily CPC click earnings, ` +
        `${payouts.reviewed} review steps (older ones approved and paid) (${phaseSecs()})`,
    );

    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`[seed] history: ${counts.clicks} clicks, ${counts.conversions} conversions, ${counts.postbacks} postbacks over ${opts.days} ${opts.days === 1 ? 'day' : 'days'} (${secs} s)`);
    console.log('[seed] demo accounts:');
    console.log(`  admin       ${net.adminEmail} / ${net.adminPassword}`);
    for (const a of ADVERTISERS) console.log(`  advertiser  ${a.email} / ${DEMO_PASSWORD}  (${a.company})`);
    for (const a of AFFILIATES.slice(0, 2)) console.log(`  affiliate   ${a.email} / ${DEMO_PASSWORD}  (${a.company})`);
    console.log(`  …and ${AFFILIATES.length - 2} more affiliates (pending and suspended ones too), same password`);
  } finally {
    await ctx.close();
    await services?.stop();
  }
}

main().catch(fatal);
