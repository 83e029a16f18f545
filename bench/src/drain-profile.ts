/**
 * Where the conversion worker's time goes, in one process: its own FerretDB and
 * Redis, N postback jobs queued directly (as intake queues them), the real
 * conversion worker draining them, and every database command timed by the
 * driver's command monitoring. Prints, as JSON: the drain rate, the database
 * round trips per postback and the time per command kind (command and
 * collection, lists' buckets told apart by list), and the CPU seconds of this
 * process and of the database server. Run with `--cpu-prof` for a profile:
 *
 *   node --import tsx [--cpu-prof --cpu-prof-dir=DIR] bench/src/drain-profile.ts [N] [concurrency]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import type { CommandStartedEvent, CommandSucceededEvent, CommandFailedEvent, MongoClient } from 'mongodb';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 16);

// Every connection the context opens monitors its commands (the driver reads the option when a connection is made).
const create = mongoose.createConnection.bind(mongoose);
(mongoose as { createConnection: unknown }).createConnection = (url: string, opts: Record<string, unknown>) => create(url, { ...opts, monitorCommands: true });

interface Kind {
  n: number;
  statements: number;
  ms: number;
  maxMs: number;
}

function kindOf(e: CommandStartedEvent): { key: string; statements: number } {
  const cmd = e.command as Record<string, unknown>;
  const name = e.commandName;
  let coll = String(cmd[name] ?? '');
  if (coll.startsWith('clicks_')) coll = 'clicks_*';
  let statements = 1;
  let detail = '';
  if (name === 'update' || name === 'delete') {
    const list = (cmd.updates ?? cmd.deletes) as Array<{ q: { _id?: unknown } }>;
    statements = list.length;
    const id = list[0]?.q._id;
    if ((coll === 'list_days' || coll === 'list_scopes') && typeof id === 'string') detail = ` ${id.split('|')[0]}`;
  } else if (name === 'insert') statements = (cmd.documents as unknown[]).length;
  else if (name === 'find' || name === 'findAndModify') {
    const id = ((cmd.filter ?? cmd.query) as { _id?: unknown } | undefined)?._id;
    if ((coll === 'list_days' || coll === 'list_scopes') && typeof id === 'string') detail = ` ${id.split('|')[0]}`;
  }
  return { key: `${name} ${coll}${detail}`, statements };
}

function monitor(client: MongoClient) {
  const started = new Map<number, { key: string; statements: number }>();
  const kinds = new Map<string, Kind>();
  const done = (e: CommandSucceededEvent | CommandFailedEvent) => {
    const s = started.get(e.requestId);
    if (!s) return;
    started.delete(e.requestId);
    const k = kinds.get(s.key) ?? { n: 0, statements: 0, ms: 0, maxMs: 0 };
    k.n++;
    k.statements += s.statements;
    k.ms += e.duration;
    k.maxMs = Math.max(k.maxMs, e.duration);
    kinds.set(s.key, k);
  };
  client.on('commandStarted', (e) => {
    if (['hello', 'isMaster', 'ping', 'endSessions'].includes(e.commandName)) return;
    started.set(e.requestId, kindOf(e));
  });
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  return { kinds, reset: () => kinds.clear() };
}

/** CPU seconds (user + system) of a process, from /proc. */
function cpuOf(pid: number | null): number {
  if (!pid) return 0;
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (100/s)
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const { startRedis } = await import('@offerly/backend/services/redis-server');
  const { startMongo } = await import('@offerly/backend/services/mongo-server');
  const { parseConfig } = await import('@offerly/backend/config');
  const { createContext } = await import('@offerly/backend/context');
  const { createCampaign } = await import('@offerly/backend/campaigns/campaigns');
  const { campaignCreateSchema } = await import('@offerly/backend/domain/campaign-rules');
  const { getOrCreateLink } = await import('@offerly/backend/links/links');
  const { newClickId } = await import('@offerly/backend/domain/click-id');
  const { hourStart } = await import('@offerly/backend/domain/time-buckets');
  const { clickPartition, partitionKey } = await import('@offerly/backend/db/raw-events');
  const { newId } = await import('@offerly/backend/db/ids');
  const { POSTBACK_JOB } = await import('@offerly/backend/conversions/postback-job');
  const { startConversionWorker } = await import('@offerly/backend/workers/conversion-worker');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-drain-profile-'));
  const redis = await startRedis({ dataDir: path.join(dataDir, 'redis') });
  const mongo = await startMongo({ dataDir: path.join(dataDir, 'mongo') });
  try {
    const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', MONGO_DB: 'profile', REDIS_PREFIX: 'profile', DATA_DIR: dataDir, WORKER_CONVERSION_CONCURRENCY: String(CONCURRENCY) });
    const ctx = await createContext(config, { name: 'drain-profile', mongoUrl: mongo.url, redisUrl: redis.url });
    const mon = monitor(ctx.conn.getClient() as unknown as MongoClient);
    const adv = await ctx.models.User.create({ email: 'adv@bench.test', passwordHash: 'x', role: 'advertiser', status: 'approved', name: 'Adv' });
    const aff = await ctx.models.User.create({ email: 'aff@bench.test', passwordHash: 'x', role: 'affiliate', status: 'approved', name: 'Aff' });
    const campaign = await createCampaign(ctx, adv._id, campaignCreateSchema.parse({
      name: 'Bench', destinationUrl: 'https://shop.example.com/?c={click_id}', payoutModel: 'CPA', revenueCents: 1000, payoutCents: 700, caps: { dailyConversions: Math.floor(N / 2) },
    }));
    const link = await getOrCreateLink(ctx, campaign, aff._id);
    const ts = Date.now() - 60_000;
    const clicks = Array.from({ length: N }, () => ({
      _id: newClickId(ts), ts: new Date(ts), hour: new Date(hourStart(ts)), linkId: link._id, campaignId: campaign._id, affiliateId: aff._id, advertiserId: adv._id,
      unique: 1, valid: 1, invalid: 0, reason: null, sub1: null, sub2: null, sub3: null, sub4: null, sub5: null,
      visitor: 'v', ua: 'bench', country: null, referer: null, deepLink: null, revenueCents: 0, payoutCents: 0, currency: 'USD',
    }));
    const col = await clickPartition(ctx.db, partitionKey(ts));
    await col.insertMany(clicks as never[]);
    // As intake queues them (the worker lists each postback itself).
    const jobs = clicks.map((c, i) => {
      const id = newId();
      return { name: POSTBACK_JOB, data: { id, receivedAt: new Date().toISOString(), method: 'GET', ip: '127.0.0.1', params: { click_id: c._id, txn_id: `t${i}`, token: campaign.postbackSecret } }, opts: { jobId: id } };
    });
    for (let i = 0; i < jobs.length; i += 500) await ctx.queues.conversions.addBulk(jobs.slice(i, i + 500));

    mon.reset();
    const cpu0 = process.cpuUsage();
    const db0 = cpuOf(mongo.pid);
    const t0 = performance.now();
    const stop = await startConversionWorker(ctx);
    const left = () => Promise.all([ctx.queues.conversions.count(), ctx.queues.conversions.getActiveCount()]).then(([w, a]) => w + a);
    while ((await left()) > 0) await new Promise((r) => setTimeout(r, 50));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const dbCpu = cpuOf(mongo.pid) - db0;
    await stop();

    const kinds = [...mon.kinds].sort((a, b) => b[1].ms - a[1].ms);
    const roundTrips = kinds.reduce((s, [, k]) => s + k.n, 0);
    const approved = await ctx.db.collection('conversions').countDocuments({ status: 'approved' });
    const capReached = await ctx.db.collection('postbacks').countDocuments({ reason: 'cap_reached' });
    const out = {
      postbacks: N,
      concurrency: CONCURRENCY,
      ms: Math.round(ms),
      perSec: Math.round((N / ms) * 1000),
      approved,
      capReached,
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      cpuS: { worker: Math.round((cpu.user + cpu.system) / 1e4) / 100, database: Math.round(dbCpu * 100) / 100 },
      roundTripsPerPostback: Math.round((roundTrips / N) * 100) / 100,
      commands: Object.fromEntries(
        kinds.map(([key, k]) => [key, { n: k.n, perPostback: Math.round((k.n / N) * 100) / 100, statements: k.statements, totalMs: Math.round(k.ms), avgMs: Math.round((k.ms / k.n) * 10) / 10, maxMs: Math.round(k.maxMs) }]),
      ),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    await ctx.close();
  } finally {
    await mongo.stop();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
