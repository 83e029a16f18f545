import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createCampaign } from '@offerly/backend/campaigns/campaigns';
import { parseConfig } from '@offerly/backend/config';
import { createContext } from '@offerly/backend/context';
import { campaignForToken } from '@offerly/backend/conversions/campaign-by-token';
import { clickPartition, partitionKey, type ClickDoc } from '@offerly/backend/db/raw-events';
import { campaignCreateSchema } from '@offerly/backend/domain/campaign-rules';
import { newClickId } from '@offerly/backend/domain/click-id';
import { hourStart } from '@offerly/backend/domain/time-buckets';
import { getOrCreateLink } from '@offerly/backend/links/links';
import { newTarget, progress, spawnEntry, startOfferlyApi, targetEnv } from './processes';
import { percentile, round, summarizeLoad, type LoadSummary } from './stats';

export interface IntakeResult extends LoadSummary {
  /** Postback jobs in the queue after the run (no worker takes them): at least the 2xx answers. */
  queued: number;
  /** Every answer a 2xx, and the queue holds each answered postback (plus at most one per connection left unanswered when the run stopped). */
  consistent: boolean;
  method: string;
}

export interface PostbackResult {
  postbacks: number;
  /** Validation + enqueue only, as a rate: the API process answers for a fixed duration while no worker runs. */
  intake: IntakeResult;
  /** The conversion worker (its own process) attributing `postbacks` queued postbacks. */
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

/**
 * Whether an intake run is what it claims: only 2xx answers, no errors, and
 * the queue holds every answered postback. autocannon stops counting at the
 * end of its duration with up to one request per connection in flight, which
 * the API may still have queued.
 */
export function intakeConsistent(s: Pick<LoadSummary, 'requests' | 'responses' | 'errors' | 'timeouts' | 'connections'>, queued: number): boolean {
  const ok = s.responses['2xx'];
  return s.errors === 0 && s.timeouts === 0 && ok === s.requests && ok > 0 && queued >= ok && queued <= ok + s.connections;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Postback pipeline: (1) intake — autocannon against GET /api/track/postback
 * on the API process with no worker running, for a fixed duration, every
 * request a distinct transaction, so only validation + enqueue is measured,
 * as a rate; those postbacks are then dropped from the queue; (2) drain — N
 * postbacks (distinct clicks, one campaign with a daily cap of N/2) are
 * queued through the API and a worker process attributes them; (3) token
 * lookup — finding a campaign by postback token among 1000 campaigns, cold (a
 * scan) and warm (cached id + read by _id).
 */
export async function runPostbackSuite(opts: { postbacks: number; connections: number; durationS: number; concurrency?: number }, base: { mongoUrl: string; redisUrl: string; dataDir: string }): Promise<PostbackResult> {
  const N = opts.postbacks;
  const cap = Math.floor(N / 2);
  const t = newTarget(base, 'postbacks');
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: t.mongoDb, REDIS_PREFIX: t.redisPrefix, JWT_SECRET: t.jwtSecret, DATA_DIR: t.dataDir });
  // The worker's default (WORKER_CONVERSION_CONCURRENCY), unless the caller names one.
  const concurrency = opts.concurrency ?? config.WORKER_CONVERSION_CONCURRENCY;
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
    const col = await clickPartition(ctx.db, partitionKey(ts));
    for (let i = 0; i < clicks.length; i += 5000) await col.insertMany(clicks.slice(i, i + 5000));

    // The intake rate is measured with one campaign's token: the API's budget per token (3,000 a 10 s window by
    // default) would measure the limit instead, and refuse the drain's postbacks queued right after.
    const api = await startOfferlyApi(t, { POSTBACK_MAX_PER_TOKEN: '10000000' });
    let intake: IntakeResult;
    try {
      // Warm-up (token lookup cached, code paths compiled), as the click suite does; a fixed amount, so that no
      // request is still in flight when its postbacks are dropped from the queue.
      let w = 0;
      await autocannon({
        url: api.url,
        connections: 10,
        amount: 500,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/track/postback?click_id=${clicks[w % N]!._id}&txn_id=warm-${w++}&token=${campaign.postbackSecret}` }) }],
      });
      await ctx.queues.conversions.drain(true);

      progress(`postbacks: intake for ${opts.durationS} s, ${opts.connections} connections (no worker running)`);
      // A fixed duration, not a fixed amount: autocannon reports once per one-second tick, so N requests
      // answered in under a second would read as N per second whatever the server's rate.
      let k = 0;
      const run = summarizeLoad(await autocannon({
        url: api.url,
        connections: opts.connections,
        duration: opts.durationS,
        requests: [{
          method: 'GET',
          setupRequest: (req) => {
            const i = k++;
            return { ...req, path: `/api/track/postback?click_id=${clicks[i % N]!._id}&txn_id=rate-${i}&token=${campaign.postbackSecret}` };
          },
        }],
      }));
      // Requests in flight when autocannon stopped may still be enqueued by the API: read the queue once it is still.
      let queued = await ctx.queues.conversions.count();
      for (let still = 0, tries = 0; still < 3 && tries < 50; tries++) {
        await sleep(100);
        const now = await ctx.queues.conversions.count();
        still = now === queued ? still + 1 : 0;
        queued = now;
      }
      intake = {
        ...run,
        queued,
        consistent: intakeConsistent(run, queued),
        method: 'answered requests over the wall time of a --duration run after a 500-request warm-up, each a distinct transaction; validation and enqueue only, no worker running',
      };
      // Those postbacks only measured the intake (an answered request was queued: `consistent`); the drain
      // below works on exactly N.
      await ctx.queues.conversions.drain(true);

      progress(`postbacks: queueing ${N} postbacks for the drain`);
      let j = 0;
      const queuedForDrain = summarizeLoad(await autocannon({
        url: api.url,
        connections: Math.min(opts.connections, N),
        amount: N,
        requests: [{
          method: 'GET',
          setupRequest: (req) => {
            const i = j++;
            return { ...req, path: `/api/track/postback?click_id=${clicks[i % N]!._id}&txn_id=t${i}&token=${campaign.postbackSecret}` };
          },
        }],
      }));
      if (queuedForDrain.responses['2xx'] !== N) throw new Error(`queueing ${N} postbacks for the drain: ${JSON.stringify(queuedForDrain.responses)}, ${queuedForDrain.errors} errors`);
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
