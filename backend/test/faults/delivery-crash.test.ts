import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { HOUR_MS } from '../../src/domain/time-buckets';
import type { ApiServer } from '../../src/http/server';
import { conversionDeliveryJobId } from '../../src/outbound/delivery-jobs';
import { startTestApi } from '../helpers/api';
import { createOffer } from '../helpers/tracking';
import { faultContext, ownMongo, tempDir, until, type Child, type FaultEnv } from './helpers';
import { assertConvertedOnce, assertReconciledAfterKills, firePostbacks, salesFor, startWorkerProcess, targetOf, waitConversions, type PostbackLoad } from './postback-load';

/**
 * The delivery worker (outbound affiliate postbacks) SIGKILLed mid-send.
 * Delivery is at least once: a worker that dies after the affiliate's server
 * got the call and before the attempt is recorded leaves its job to be taken
 * back and sent again. What makes that safe is the delivery's idempotency key
 * (`X-Offerly-Delivery-Id`, also the `{delivery_id}` macro), the same on every
 * attempt of one announcement: the receiver here counts distinct keys, and
 * they must be exactly the announcements (one per conversion), while some keys
 * provably arrived more than once.
 *
 * Two kills, each made to land at a known point:
 *   1. mid-call: the receiver holds the calls without answering, and the
 *      worker is killed while it has them in hand;
 *   2. between the answer and its record: the receiver freezes the
 *      MongoDB-wire server (this file's own) before it answers, so the worker
 *      cannot record the attempt, and is killed then.
 */
const MONEY = { revenueCents: 1000, payoutCents: 700 };
const DELIVERY_CONCURRENCY = 4;
const CONVERSION_CONCURRENCY = 16;
let mongo: Awaited<ReturnType<typeof ownMongo>>;
let ctx: AppContext;
let fault: FaultEnv;
let api: ApiServer;
const workers: Child[] = [];

interface Hit {
  key: string | null;
  macro: string | null;
  conversionId: string | null;
  round: number;
}
const hits: Hit[] = [];
let round = 1;
let mode: 'hold' | 'freeze-then-answer' | 'answer' = 'answer';
const held: http.ServerResponse[] = [];
let receiver: http.Server;
let receiverUrl = '';

beforeAll(async () => {
  mongo = await ownMongo(tempDir('delivery-mongo'));
  ({ ctx, fault } = await faultContext({
    mongoUrl: mongo.url,
    env: {
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_CHECK_MS: '1000',
      OUTBOUND_ALLOW_PRIVATE: 'true',
      // A held call must outlive the kill (no timeout of its own first); retries come quickly.
      OUTBOUND_TIMEOUT_MS: '30000',
      OUTBOUND_BACKOFF_MS: '50',
      WORKER_DELIVERY_CONCURRENCY: String(DELIVERY_CONCURRENCY),
      WORKER_CONVERSION_CONCURRENCY: String(CONVERSION_CONCURRENCY),
      PAYOUT_HOLD_DAYS: '0',
      PAYOUT_MIN_CENTS: '0',
    },
  }));
  api = await startTestApi(ctx);
  receiver = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://receiver');
    const key = req.headers['x-offerly-delivery-id'];
    hits.push({ key: typeof key === 'string' ? key : null, macro: u.searchParams.get('did'), conversionId: u.searchParams.get('conv'), round });
    if (mode === 'hold') {
      held.push(res);
      return;
    }
    // Frozen before the answer leaves: the worker gets its 2xx and cannot record it.
    if (mode === 'freeze-then-answer' && mongo.pid() !== null) {
      mongo.signal('SIGSTOP');
      mode = 'answer';
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pb`;
}, 60_000);

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  if (mongo?.pid()) mongo.signal('SIGCONT');
  for (const r of held) r.destroy();
  await new Promise((r) => receiver?.close(r));
  await api?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
  await mongo?.stop();
}, 60_000);

const liveWorker = () => workers.filter((w) => w.alive()).at(-1)!;

function merge(a: PostbackLoad, b: PostbackLoad): PostbackLoad {
  const statuses = { ...a.statuses };
  for (const [k, v] of Object.entries(b.statuses)) statuses[Number(k)] = (statuses[Number(k)] ?? 0) + v;
  return { statuses, accepted: new Map([...a.accepted, ...b.accepted]), retries: a.retries + b.retries, acceptedAt: [...a.acceptedAt, ...b.acceptedAt], errors: [...a.errors, ...b.errors] };
}

describe('delivery worker SIGKILLed mid-send', () => {
  it('every announcement reaches the affiliate under one idempotency key; repeats carry the same key; reconciles', async () => {
    const startedAt = Date.now() - HOUR_MS;
    const offer = await createOffer(ctx, api.url);
    const t = targetOf(offer);
    const set = await offer.affiliate.client.put('/api/affiliate/postback', { url: `${receiverUrl}?conv={conversion_id}&did={delivery_id}&s={status}`, enabled: true });
    expect(set.status, set.text).toBe(200);
    await startWorkerProcess(fault, {}, workers);

    // 1. Killed while its calls are in the receiver's hands, unanswered.
    mode = 'hold';
    const sales1 = await salesFor(ctx, t, 40, 'deliv1');
    const load1 = await firePostbacks(api.url, t.token, sales1, { concurrency: 10 });
    await waitConversions(ctx, t.campaignId, sales1.length);
    await until('the worker to hold a full set of calls open', () => held.length === DELIVERY_CONCURRENCY, 30_000);
    const heldKeys = hits.filter((h) => h.round === 1).map((h) => h.key);
    await liveWorker().kill('SIGKILL');
    for (const r of held.splice(0)) r.destroy();
    mode = 'answer';
    await startWorkerProcess(fault, {}, workers);
    await until('every announcement of round 1 to be answered', async () => new Set(hits.filter((h) => h.round === 1).map((h) => h.key)).size === sales1.length && (await deliveriesLeft()) === 0, 60_000);

    // 2. Killed after the receiver answered, before the attempt is recorded (the database is frozen meanwhile).
    round = 2;
    mode = 'freeze-then-answer';
    const sales2 = await salesFor(ctx, t, 40, 'deliv2');
    // Not awaited yet: the receiver may freeze the database while postbacks are still being sent.
    const sending2 = firePostbacks(api.url, t.token, sales2, { concurrency: 10 });
    try {
      await until('a call answered while the database is frozen', () => hits.some((h) => h.round === 2), 60_000, 20);
      await liveWorker().kill('SIGKILL');
    } finally {
      if (mongo.pid() !== null) mongo.signal('SIGCONT');
    }
    const load2 = await sending2;
    const answeredUnrecorded = hits.filter((h) => h.round === 2).map((h) => h.key);
    await startWorkerProcess(fault, {}, workers);
    await waitConversions(ctx, t.campaignId, sales1.length + sales2.length, 60_000);
    const sales = [...sales1, ...sales2];
    await until('every announcement to be answered and no delivery left', async () => new Set(hits.map((h) => h.key)).size >= sales.length && (await deliveriesLeft()) === 0, 60_000);

    // Each call carries its key in the header and (signed, in the URL) through the macro, for one conversion.
    expect(hits.filter((h) => !h.key || h.key !== h.macro)).toEqual([]);
    const convOfKey = new Map<string, Set<string | null>>();
    for (const h of hits) convOfKey.set(h.key!, (convOfKey.get(h.key!) ?? new Set()).add(h.conversionId));
    expect([...convOfKey.values()].filter((s) => s.size !== 1), 'a key used for two conversions').toEqual([]);
    // Distinct keys = announcements: one per conversion (each was created approved, its only transition).
    const convs = await ctx.models.Conversion.find({ campaignId: t.campaignId }, { _id: 1 }).lean();
    expect([...convOfKey.keys()].sort()).toEqual(convs.map((c) => conversionDeliveryJobId(c._id, 1)).sort());
    // The kills made repeats, and each repeat came with the key of its first call.
    const calls = (key: string | null) => hits.filter((h) => h.key === key).length;
    expect(heldKeys.filter((k) => calls(k) < 2), 'calls held when the worker died, never repeated').toEqual([]);
    expect(answeredUnrecorded.filter((k) => calls(k) < 2), 'calls answered but unrecorded when the worker died, never repeated').toEqual([]);
    // The delivery log has a delivered attempt for each, and nothing failed for good.
    const delivered = await ctx.models.Delivery.distinct('conversionId', { affiliateId: t.affiliateId, outcome: 'delivered' });
    expect(delivered.length).toBe(convs.length);
    expect(await ctx.queues.deliveries.getJobCounts('failed')).toEqual({ failed: 0 });

    await assertConvertedOnce(ctx, t, sales, merge(load1, load2), MONEY, { maxExtraPlaces: CONVERSION_CONCURRENCY });
    // The second kill also hits conversion jobs and attempts being recorded: list counters may be a few short.
    const listsShort = await assertReconciledAfterKills(ctx, startedAt, CONVERSION_CONCURRENCY + DELIVERY_CONCURRENCY);
    const repeats = [...convOfKey.keys()].filter((k) => calls(k) > 1).length;
    console.log(JSON.stringify({ test: 'delivery-crash', conversions: convs.length, calls: hits.length, distinctKeys: convOfKey.size, repeatedKeys: repeats, heldAtKill: heldKeys.length, answeredUnrecorded: answeredUnrecorded.length, listsShort, ms: Date.now() - startedAt - HOUR_MS }));
  }, 150_000);
});

async function deliveriesLeft(): Promise<number> {
  const c = await ctx.queues.deliveries.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
  return Object.values(c).reduce((a, b) => a + b, 0);
}
