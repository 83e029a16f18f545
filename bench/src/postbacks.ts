import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createCampaign } from '@offerly/backend/campaigns/campaigns';
import { parseConfig } from '@offerly/backend/config';
import { createContext } from '@offerly/backend/context';
import { campaignForToken } from '@offerly/backend/conversions/campaign-by-token';
import { clickPartition, type ClickDoc } from '@offerly/backend/db/raw-events';
import { campaignCreateSchema } from '@offerly/backend/domain/campaign-rules';
import { newClickId } from '@offerly/backend/domain/click-id';
import { dayKey, hourStart } from '@offerly/backend/domain/time-buckets';
import { getOrCreateLink } from '@offerly/backend/links/links';
import { newTarget, progress, spawnEntry, startOfferlyApi, targetEnv } from './processes';
import { percentile, round, summarizeLoad, type LoadSummary } from './stats';

export interface PostbackResult {
  postbacks: number;
  /** Validation + enqueue only: the API process answers while no worker runs. */
  intake: LoadSummary;
  /** The conversion worker (its own process) attributing the queued postbacks. */
  drain: {
    workerConcurrency: number;
    ms: number;
    processedPerSec: number;
    approved: number;
    capReached: number;
    dailyCap: number;
    method: string;
  };
  tokenLookupMs: { campaigns: number; coldMedian: number | null; warmMedian: number | null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Postback pipeline: (1) intake — autocannon against GET /api/track/postback
 * on the API process with no worker running, so only validation + enqueue is
 * measured; (2) drain — a worker process attributes the N queued postbacks
 * (distinct clicks, one campaign with a daily cap of N/2); (3) token lookup —
 * finding a campaign by postback token among 1000 campaigns, cold (a scan) and
 * warm (cached id + read by _id).
 */
export async function runPostbackSuite(opts: { postbacks: number; connections: number; concurrency?: number }, base: { mongoUrl: string; redisUrl: string; dataDir: string }): Promise<PostbackResult> {
  const N = opts.postbacks;
  const concurrency = opts.concurrency ?? 16;
  const cap = Math.floor(N / 2);
  const t = newTarget(base, 'postbacks');
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: t.mongoDb, REDIS_PREFIX: t.redisPrefix, JWT_SECRET: t.jwtSecret, DATA_DIR: t.dataDir });
  const ctx = await createContext(config, { name: 'bench-postbacks', mongoUrl: t.mongoUrl, redisUrl: t.redisUrl });
  try {
    const adv = await ctx.models.User.create({ email: 'adv@bench.test', passwordHash: 'x', role: 'advertiser', status: 'approved', name: 'Adv' });
    const aff = await ctx.models.User.create({ email: 'aff@bench.test', passwordHash: 'x', role: 'affiliate', status: 'approved', name: 'Aff' });
    const campaign = await createCampaign(ctx, adv._id, campaignCreateSchema.parse({
      name: 'Bench', destinationUrl: 'https://shop.example.com/?c={click_id}', payoutModel: 'CPA', revenueCents: 1000, payoutCents: 700, caps: { dailyConversions: cap },
    }));
    const link = await getOrCreateLink(ctx, campaign, aff._id);

    progress(`postbacks: storing ${N} clicks`);
    const ts = Date.now() - 60_000;
    const clicks: ClickDoc[] = Array.from({ length: N }, () => ({
      _id: newClickId(ts), ts: new Date(ts), hour: new Date(hourStart(ts)), linkId: link._id, campaignId: campaign._id, affiliateId: aff._id, advertiserId: adv._id,
      unique: 1, valid: 1, invalid: 0, reason: null, sub1: null, sub2: null, sub3: null, sub4: null, sub5: null,
      visitor: 'v', ua: 'bench', country: null, referer: null, deepLink: null, revenueCents: 0, payoutCents: 0, currency: 'USD',
    }));
    const col = await clickPartition(ctx.db, dayKey(ts));
    for (let i = 0; i < clicks.length; i += 5000) await col.insertMany(clicks.slice(i, i + 5000));

    const api = await startOfferlyApi(t);
    let intake: LoadSummary;
    try {
      progress(`postbacks: intake of ${N} postbacks, ${opts.connections} connections (no worker running)`);
      let i = 0;
      intake = summarizeLoad(await autocannon({
        url: api.url,
        connections: opts.connections,
        amount: N,
        requests: [{
          method: 'GET',
          setupRequest: (req) => {
            const k = i++;
            return { ...req, path: `/api/track/postback?click_id=${clicks[k % N]!._id}&txn_id=t${k}&token=${campaign.postbackSecret}` };
          },
        }],
      }));
    } finally {
      await api.stop();
    }

    progress('postbacks: drain by a worker process');
    const queued = () => Promise.all([ctx.queues.conversions.count(), ctx.queues.conversions.getActiveCount()]).then(([w, a]) => w + a);
    const worker = await spawnEntry('offerly worker', 'backend/src/main/worker.ts', targetEnv(t, { WORKER_CONVERSION_CONCURRENCY: String(concurrency) }), { listen: false, settleMs: 0 });
    let drain: PostbackResult['drain'];
    try {
      // Timed from the first postback the worker took, so process start-up is not counted.
      const deadline = Date.now() + 900_000;
      let q0 = await queued();
      while (q0 >= N && Date.now() < deadline) {
        await sleep(20);
        q0 = await queued();
      }
      const t0 = performance.now();
      while ((await queued()) > 0) {
        if (Date.now() > deadline) throw new Error('postbacks not drained within 15 minutes');
        if (worker.exited()) throw new Error(`the worker process ended:\n${worker.tail()}`);
        await sleep(50);
      }
      const ms = performance.now() - t0;
      drain = {
        workerConcurrency: concurrency,
        ms: Math.round(ms),
        processedPerSec: Math.round((q0 / ms) * 1000),
        approved: await ctx.models.Conversion.countDocuments({ status: 'approved' }),
        capReached: await ctx.models.Postback.countDocuments({ reason: 'cap_reached' }),
        dailyCap: cap,
        method: 'postbacks left in the queue when the worker took its first one, divided by the time until the queue was empty',
      };
    } finally {
      await worker.stop();
    }

    progress('postbacks: token lookup among 1000 campaigns');
    const more = Array.from({ length: 999 }, (_, k) => ({
      _id: crypto.randomBytes(12).toString('hex'), advertiserId: adv._id, name: `C${k}`, destinationUrl: 'https://x.example.com/', currency: 'USD', payoutModel: 'CPA',
      revenueCents: 10, payoutCents: 5, postbackSecret: crypto.randomBytes(24).toString('base64url'),
    }));
    await ctx.models.Campaign.insertMany(more);
    const cold: number[] = [];
    const warm: number[] = [];
    for (let k = 0; k < 20; k++) {
      const token = more[k * 40]!.postbackSecret;
      let t0 = performance.now();
      await campaignForToken(ctx, token, Date.now());
      cold.push(performance.now() - t0);
      t0 = performance.now();
      await campaignForToken(ctx, token, Date.now());
      warm.push(performance.now() - t0);
    }
    return {
      postbacks: N,
      intake,
      drain,
      tokenLookupMs: { campaigns: 1000, coldMedian: round(percentile(cold, 50), 2), warmMedian: round(percentile(warm, 50), 2) },
    };
  } finally {
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
  }
}
