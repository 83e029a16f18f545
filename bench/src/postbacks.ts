/**
 * Postback pipeline benchmark on private, throwaway services (Redis +
 * FerretDB/mongod as `npm start` would pick). Prints one JSON object.
 *
 *   node --import tsx bench/src/postbacks.ts            # N=2000 postbacks
 *   N=5000 CONNECTIONS=50 CONCURRENCY=16 node --import tsx bench/src/postbacks.ts
 *   BENCH_MONGO_URL=mongodb://… node --import tsx bench/src/postbacks.ts   # an existing server
 *
 * Phases: (1) intake — autocannon against GET /api/track/postback with the
 * worker stopped, so only validation + enqueue is measured; (2) drain — the
 * conversion worker attributes the N queued postbacks (distinct clicks, one
 * campaign with a daily cap) and the time until all are resolved is taken;
 * (3) token lookup — cost of finding a campaign by postback token among
 * 1000 campaigns, cold (collection scan) and warm (cached id + _id read).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createCampaign } from '../../backend/src/campaigns/campaigns';
import { parseConfig } from '../../backend/src/config';
import { createContext } from '../../backend/src/context';
import { campaignForToken } from '../../backend/src/conversions/campaign-by-token';
import { clickPartition, type ClickDoc } from '../../backend/src/db/raw-events';
import { campaignCreateSchema } from '../../backend/src/domain/campaign-rules';
import { newClickId } from '../../backend/src/domain/click-id';
import { dayKey, hourStart } from '../../backend/src/domain/time-buckets';
import { startApiServer } from '../../backend/src/http/server';
import { getOrCreateLink } from '../../backend/src/links/links';
import { startLocalServices } from '../../backend/src/services';
import { startConversionWorker } from '../../backend/src/workers/conversion-worker';

const N = Number(process.env.N ?? 2000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const CONCURRENCY = process.env.CONCURRENCY ?? '16';
const CAP = Math.floor(N / 2);

const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-bench-'));
  const services = await startLocalServices({ dataDir, log: progress, mongoUrl: process.env.BENCH_MONGO_URL, redisUrl: process.env.BENCH_REDIS_URL });
  const config = parseConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: 'bench_postbacks', REDIS_PREFIX: 'benchpb', DATA_DIR: dataDir, PORT: '0',
    JWT_SECRET: crypto.randomBytes(32).toString('hex'), WORKER_CONVERSION_CONCURRENCY: CONCURRENCY,
  });
  const ctx = await createContext(config, { name: 'bench', mongoUrl: services.mongoUrl, redisUrl: services.redisUrl });
  const api = await startApiServer(ctx, { port: 0, host: '127.0.0.1' });
  try {
    const adv = await ctx.models.User.create({ email: 'adv@bench.test', passwordHash: 'x', role: 'advertiser', status: 'approved', name: 'Adv' });
    const aff = await ctx.models.User.create({ email: 'aff@bench.test', passwordHash: 'x', role: 'affiliate', status: 'approved', name: 'Aff' });
    const campaign = await createCampaign(ctx, adv._id, campaignCreateSchema.parse({
      name: 'Bench', destinationUrl: 'https://shop.example.com/?c={click_id}', payoutModel: 'CPA', revenueCents: 1000, payoutCents: 700, caps: { dailyConversions: CAP },
    }));
    const link = await getOrCreateLink(ctx, campaign, aff._id);

    progress(`storing ${N} clicks`);
    const ts = Date.now() - 3_600_000;
    const clicks: ClickDoc[] = Array.from({ length: N }, () => ({
      _id: newClickId(ts), ts: new Date(ts), hour: new Date(hourStart(ts)), linkId: link._id, campaignId: campaign._id, affiliateId: aff._id, advertiserId: adv._id,
      unique: 1, valid: 1, invalid: 0, reason: null, sub1: null, sub2: null, sub3: null, sub4: null, sub5: null,
      visitor: 'v', ua: 'bench', country: null, referer: null, deepLink: null, revenueCents: 0, payoutCents: 0, currency: 'USD',
    }));
    await (await clickPartition(ctx.db, dayKey(ts))).insertMany(clicks);

    progress(`intake: ${N} postbacks, ${CONNECTIONS} connections`);
    let i = 0;
    const intake = await autocannon({
      url: api.url,
      connections: CONNECTIONS,
      amount: N,
      requests: [{
        method: 'GET',
        setupRequest: (req) => {
          const k = i++;
          return { ...req, path: `/api/track/postback?click_id=${clicks[k % N]!._id}&txn_id=t${k}&token=${campaign.postbackSecret}` };
        },
      }],
    });

    progress('drain: conversion worker');
    const t0 = performance.now();
    const stop = await startConversionWorker(ctx);
    let left = N;
    while (left > 0) {
      await new Promise((r) => setTimeout(r, 250));
      left = await ctx.models.Postback.countDocuments({ state: 'queued' });
      const stored = await ctx.models.Postback.estimatedDocumentCount();
      if (stored < N) left += N - stored;
    }
    const drainMs = performance.now() - t0;
    await stop();
    const attributed = await ctx.models.Conversion.countDocuments({ status: 'approved' });
    const capped = await ctx.models.Postback.countDocuments({ reason: 'cap_reached' });

    progress('token lookup among 1000 campaigns');
    const more = Array.from({ length: 999 }, (_, k) => ({
      _id: crypto.randomBytes(12).toString('hex'), advertiserId: adv._id, name: `C${k}`, destinationUrl: 'https://x.example.com/', currency: 'USD', payoutModel: 'CPA',
      revenueCents: 10, payoutCents: 5, postbackSecret: crypto.randomBytes(24).toString('base64url'),
    }));
    await ctx.models.Campaign.insertMany(more);
    const cold: number[] = [];
    const warm: number[] = [];
    for (let k = 0; k < 20; k++) {
      const token = more[k * 40]!.postbackSecret;
      let t = performance.now();
      await campaignForToken(ctx, token, Date.now());
      cold.push(performance.now() - t);
      t = performance.now();
      await campaignForToken(ctx, token, Date.now());
      warm.push(performance.now() - t);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

    console.log(JSON.stringify({
      mongo: services.mongoKind,
      cpus: os.cpus().length,
      postbacks: N,
      intake: {
        connections: CONNECTIONS,
        requestsPerSec: Math.round(intake.requests.total / intake.duration),
        latencyMs: { p50: intake.latency.p50, p99: intake.latency.p99, max: intake.latency.max },
        non2xx: intake.non2xx,
        errors: intake.errors,
      },
      drain: {
        workerConcurrency: Number(CONCURRENCY),
        ms: Math.round(drainMs),
        postbacksPerSec: Math.round((N / drainMs) * 1000),
        approved: attributed,
        capReached: capped,
        dailyCap: CAP,
      },
      tokenLookupMs: { campaigns: 1000, coldMedian: Number(median(cold).toFixed(2)), warmMedian: Number(median(warm).toFixed(2)) },
    }, null, 2));
  } finally {
    await api.close();
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
