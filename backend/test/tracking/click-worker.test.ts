import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { isFerretDb } from '../../src/db/group-sum';
import { clickPartition, clicksCollectionName, findClick, forgetPartition, partitionKey } from '../../src/db/raw-events';
import { statsHourly } from '../../src/db/models/stats';
import { listDirtyHours } from '../../src/db/rollup-dirty';
import { newClickId } from '../../src/domain/click-id';
import { dayKey, hourStart } from '../../src/domain/time-buckets';
import { readLive } from '../../src/realtime/live-counters';
import { hoursToRoll, rollHours } from '../../src/rollups/hourly';
import { clickJobId, CLICK_JOB_NAME, type ClickBatch, type ClickEvent } from '../../src/tracking/click-event';
import { processClickBatch, type ClickBatchDeps } from '../../src/tracking/process-click-batch';
import { startClickWorker } from '../../src/workers/click-worker';
import { createTestContext, destroyTestContext } from '../helpers/context';
import { click, createOffer, eventually, startTrackingStack, storedClick, storedClicksWhere, type TrackingStack } from '../helpers/tracking';

let ctx: AppContext;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await destroyTestContext(ctx);
});

const hex = (n: number) => crypto.randomBytes(n).toString('hex');

function fakeClick(over: Partial<ClickEvent> = {}): ClickEvent {
  const ts = over.ts ?? Date.now();
  return {
    id: newClickId(ts),
    ts,
    linkId: 'L' + hex(5),
    campaignId: hex(12),
    affiliateId: hex(12),
    advertiserId: hex(12),
    currency: 'USD',
    reason: null,
    sub1: null,
    sub2: null,
    sub3: null,
    sub4: null,
    sub5: null,
    visitor: hex(16),
    ua: 'Mozilla/5.0 test',
    country: null,
    referer: null,
    deepLink: null,
    cpcRevenueCents: 0,
    cpcPayoutCents: 0,
    ...over,
  };
}

function batchOf(clicks: ClickEvent[]): ClickBatch {
  return { id: clicks[0]!.id, clicks };
}

async function storedCount(clicks: ClickEvent[]): Promise<number> {
  let n = 0;
  for (const c of clicks) if (await findClick(ctx.db, c.id)) n++;
  return n;
}

const deps = (): ClickBatchDeps => ({ db: ctx.db, redis: ctx.redis, keys: ctx.keys, log: ctx.log, models: ctx.models, config: ctx.config, emitter: null });

const queueIdle = () =>
  eventually(async () => {
    const c = await ctx.queues.clicks.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return c.waiting === 0 && c.active === 0 && c.delayed === 0 && c.prioritized === 0;
  }, 'the clicks queue to drain');

describe('MongoDB-wire duplicate reporting', () => {
  it('reports duplicates of an unordered insert as a bulk write error with code 11000 per document, storing the rest', async () => {
    const col = await clickPartition(ctx.db, '20000101');
    const a = fakeClick({ ts: Date.UTC(2000, 0, 1, 5) });
    const b = fakeClick({ ts: Date.UTC(2000, 0, 1, 6) });
    const asDoc = (c: ClickEvent) => ({ ...c, _id: c.id }) as never;
    await col.insertOne(asDoc(a));
    let caught: any = null;
    try {
      await col.insertMany([asDoc(a), asDoc(b)], { ordered: false });
    } catch (err) {
      caught = err;
    }
    expect(caught).not.toBeNull();
    const errors = Array.isArray(caught.writeErrors) ? caught.writeErrors : [caught.writeErrors];
    expect(errors.map((e: { index: number; code: number }) => [e.index, e.code])).toEqual([[0, 11000]]);
    expect(await col.countDocuments({ _id: b.id })).toBe(1);
  });
});

describe('hour partitions', () => {
  it('opens a partition another process created, indexes and all (a restarted worker must not fail)', async () => {
    const key = partitionKey(Date.UTC(2000, 0, 2, 3));
    expect(key).toBe('2000010203');
    await clickPartition(ctx.db, key);
    forgetPartition(ctx.db, key); // as if this were a new process
    const col = await clickPartition(ctx.db, key);
    const c = fakeClick({ ts: Date.UTC(2000, 0, 2, 3, 30) });
    expect(await processClickBatch(deps(), batchOf([c]))).toMatchObject({ stored: 1 });
    // FerretDB answers only _id from an index, so a partition there has no other index to slow its inserts.
    const expected = (await isFerretDb(ctx.db)) ? ['_id_'] : ['_id_', 'affiliateId_1_hour_1', 'campaignId_1_hour_1', 'hour_1_campaignId_1'];
    expect((await col.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(expected);
  });
});

describe('click batches', () => {
  it('stores a batch processed twice once, counts it once, and marks its hours dirty', async () => {
    const campaignId = hex(12);
    const t0 = Date.now();
    const clicks = [fakeClick({ campaignId }), fakeClick({ campaignId, reason: 'bot' }), fakeClick({ campaignId, ts: t0 - 3_600_000 })];
    const batch = batchOf(clicks);
    const first = await processClickBatch(deps(), batch);
    expect(first).toMatchObject({ clicks: 3, stored: 3, duplicates: 0, liveApplied: true });
    const second = await processClickBatch(deps(), batch);
    expect(second).toMatchObject({ clicks: 3, stored: 0, duplicates: 3, liveApplied: false });
    expect(await storedCount(clicks)).toBe(3);
    expect((await findClick(ctx.db, clicks[0]!.id))!.unique).toBe(1);
    expect((await findClick(ctx.db, clicks[1]!.id))).toMatchObject({ unique: 0, valid: 0, invalid: 1, reason: 'bot' });
    const live = await readLive(ctx.redis, ctx.keys, 'campaign', campaignId);
    expect(live.today.clicks).toBe(dayKey(t0 - 3_600_000) === dayKey(t0) ? 3 : 2);
    expect(live.minutes.reduce((s, m) => s + m.clicks, 0)).toBe(2);
    const dirty = (await listDirtyHours(ctx.db)).map((d) => d._id.getTime());
    expect(dirty).toEqual(expect.arrayContaining([hourStart(t0), hourStart(t0 - 3_600_000)]));
  });

  it('keeps uniqueness stable across retries: a click stays unique, its repeat stays not unique', async () => {
    const visitor = hex(16);
    const linkId = 'L' + hex(5);
    const a = fakeClick({ linkId, visitor });
    const b = fakeClick({ linkId, visitor });
    const batch = batchOf([a, b]);
    await processClickBatch(deps(), batch);
    // Simulate a retry after a partial first attempt: one of the two documents vanished.
    await ctx.db.collection(clicksCollectionName(partitionKey(b.ts))).deleteOne({ _id: b.id } as never);
    const again = await processClickBatch(deps(), batch);
    expect(again).toMatchObject({ stored: 1, duplicates: 1 });
    expect((await findClick(ctx.db, a.id))!.unique).toBe(1);
    expect((await findClick(ctx.db, b.id))!.unique).toBe(0);
  });
});

describe('dirty-hour marks against a concurrent rollup', () => {
  const dirtyHours = async () => (await listDirtyHours(ctx.db)).map((d) => d._id.getTime());

  it('marks the hour again after the insert: a rollup that took the first mark before the clicks were stored does not lose them', async () => {
    const campaignId = hex(12);
    // A late click (a spool replay) for an hour far outside the rollup's lookback: only a dirty mark gets it rolled.
    const ts = Date.UTC(2003, 2, 3, 10, 15);
    const hour = hourStart(ts);
    const c = fakeClick({ campaignId, ts });
    let rolledBetween = false;
    await processClickBatch(
      {
        ...deps(),
        beforeStore: async () => {
          // The rollup runs between the worker's first mark and its insert: it reads the mark, finds no click, clears the mark.
          expect(await dirtyHours()).toContain(hour);
          await rollHours(ctx, [hour]);
          expect(await dirtyHours()).not.toContain(hour);
          rolledBetween = true;
        },
      },
      batchOf([c]),
    );
    expect(rolledBetween).toBe(true);
    expect(await findClick(ctx.db, c.id)).not.toBeNull();
    expect(await dirtyHours()).toContain(hour);
    const due = await hoursToRoll(ctx, Date.now(), 0);
    expect(due).toContain(hour);
    await rollHours(ctx, [hour]);
    const rows = await statsHourly(ctx.db).find({ hour: new Date(hour), campaignId }).toArray();
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(1);
    expect(await dirtyHours()).not.toContain(hour);
  });
});

describe('click worker (BullMQ)', () => {
  it('retries a job whose first attempt failed after storing, without storing or counting anything twice', async () => {
    const campaignId = hex(12);
    const clicks = Array.from({ length: 25 }, () => fakeClick({ campaignId }));
    let calls = 0;
    const stop = await startClickWorker(ctx, {
      afterStore: () => {
        calls++;
        if (calls === 1) throw new Error('simulated crash between storing and counting');
      },
    });
    try {
      await ctx.queues.clicks.add(CLICK_JOB_NAME, batchOf(clicks), { jobId: clickJobId(clicks[0]!.id) });
      await eventually(async () => calls >= 2 || undefined, 'the retry');
      await queueIdle();
      expect(await storedCount(clicks)).toBe(25);
      const live = await readLive(ctx.redis, ctx.keys, 'campaign', campaignId);
      expect(live.today).toMatchObject({ clicks: 25, uniqueClicks: 25 });
      // A copy of the batch arriving later (its spooled twin) changes nothing.
      await ctx.queues.clicks.add(CLICK_JOB_NAME, batchOf(clicks), { jobId: `${clickJobId(clicks[0]!.id)}-copy` });
      await eventually(async () => calls >= 3 || undefined, 'the copy to be processed');
      await queueIdle();
      expect(await storedCount(clicks)).toBe(25);
      expect((await readLive(ctx.redis, ctx.keys, 'campaign', campaignId)).today.clicks).toBe(25);
      expect(calls).toBe(3);
    } finally {
      await stop();
    }
  });

  it('stores a click whose invalid reason it does not know (an API newer than the worker) as invalid, with that reason', async () => {
    const stop = await startClickWorker(ctx);
    try {
      const c = fakeClick({ reason: 'reason_from_a_newer_api' });
      await ctx.queues.clicks.add(CLICK_JOB_NAME, batchOf([c]), { jobId: clickJobId(c.id) });
      const stored = await eventually(() => findClick(ctx.db, c.id).then((d) => d ?? undefined), 'the click to be stored');
      expect(stored).toMatchObject({ valid: 0, invalid: 1, unique: 0, reason: 'reason_from_a_newer_api' });
    } finally {
      await stop();
    }
  });

  it('fails a malformed job at once and keeps it for inspection; a stored batch leaves no job behind', async () => {
    const stop = await startClickWorker(ctx);
    try {
      const click = fakeClick({ campaignId: hex(12) });
      const good = await ctx.queues.clicks.add(CLICK_JOB_NAME, batchOf([click]), { jobId: `good-${hex(4)}` });
      const job = await ctx.queues.clicks.add(CLICK_JOB_NAME, { id: 'nope', clicks: [] } as never, { jobId: `bad-${hex(4)}` });
      const failed = await eventually(async () => ((await job.isFailed()) ? true : undefined), 'the job to fail');
      expect(failed).toBe(true);
      const kept = await ctx.queues.clicks.getJob(job.id!);
      expect(kept?.attemptsMade).toBe(1);
      expect(kept?.failedReason).toContain('malformed click batch');
      // Completed jobs are removed (the clicks live in MongoDB), so Redis does not grow with traffic.
      await eventually(async () => ((await storedCount([click])) === 1 ? true : undefined), 'the good batch to be stored');
      await eventually(async () => ((await ctx.queues.clicks.getJob(good.id!)) ? undefined : true), 'the completed job to be removed');
      expect((await ctx.queues.clicks.getJobCounts('completed')).completed).toBe(0);
    } finally {
      await stop();
    }
  });

  it('lets the active job finish when stopped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered = false;
    const stop = await startClickWorker(ctx, {
      afterStore: async () => {
        entered = true;
        await gate;
      },
    });
    const clicks = [fakeClick()];
    await ctx.queues.clicks.add(CLICK_JOB_NAME, batchOf(clicks), { jobId: clickJobId(clicks[0]!.id) });
    await eventually(() => entered || undefined, 'the job to start');
    const stopping = stop();
    setTimeout(release, 100);
    await stopping;
    const job = await ctx.queues.clicks.getJob(clickJobId(clicks[0]!.id));
    expect(job).toBeUndefined(); // completed and removed, not abandoned
    expect(await storedCount(clicks)).toBe(1);
  });
});

describe('CPC campaigns', () => {
  let stack: TrackingStack;
  beforeAll(async () => {
    stack = await startTrackingStack(ctx);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('pays unique valid clicks only, adds the spend once, and stops traffic when the budget is used up', async () => {
    const url = stack.api.url;
    const offer = await createOffer(ctx, url, { payoutModel: 'CPC', revenueCents: 50, payoutCents: 30, caps: { totalBudgetCents: 100 } });
    const invalidations: string[] = [];
    const sub = ctx.redis.duplicate();
    await sub.subscribe(ctx.keys.cacheChannel);
    sub.on('message', (_ch, m) => invalidations.push(m));
    try {
      const a = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '192.0.2.1' });
      const a2 = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '192.0.2.1' });
      const bot = await click(url, `/c/${offer.linkId}`, { 'user-agent': 'python-requests/2.31' });
      expect(await storedClick(ctx, a.clickId!)).toMatchObject({ unique: 1, revenueCents: 50, payoutCents: 30 });
      expect(await storedClick(ctx, a2.clickId!)).toMatchObject({ unique: 0, revenueCents: 0, payoutCents: 0 });
      expect(await storedClick(ctx, bot.clickId!)).toMatchObject({ valid: 0, revenueCents: 0 });
      const total = await eventually(async () => {
        const c = await ctx.models.CampaignCounter.findById(`${offer.campaign.id}|total`).lean();
        return c?.spendCents === 50 ? c : undefined;
      }, 'spend 50');
      expect(total.spendCents).toBe(50);
      const today = await ctx.models.CampaignCounter.findById(`${offer.campaign.id}|${dayKey(Date.now())}`).lean();
      expect(today?.spendCents).toBe(50);
      const live = await eventually(async () => {
        const l = await readLive(ctx.redis, ctx.keys, 'campaign', offer.campaign.id);
        return l.today.clicks === 3 ? l : undefined;
      }, 'live');
      expect(live.today).toMatchObject({ clicks: 3, uniqueClicks: 1, invalidClicks: 1, money: { USD: { revenueCents: 50, payoutCents: 30 } } });

      const b = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '192.0.2.2' });
      await storedClick(ctx, b.clickId!);
      await eventually(async () => invalidations.some((m) => m.includes(offer.campaign.id)) || undefined, 'budget invalidation');
      const after = await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '192.0.2.3' });
      expect(after.location).toBe('https://shop.example.com/');
      const docs = await eventually(async () => {
        const d = await storedClicksWhere(ctx, { linkId: offer.linkId, reason: 'budget_exhausted' });
        return d.length ? d : undefined;
      }, 'budget_exhausted click');
      expect(docs[0]).toMatchObject({ valid: 0, revenueCents: 0 });
      expect((await ctx.models.CampaignCounter.findById(`${offer.campaign.id}|total`).lean())?.spendCents).toBe(100);
    } finally {
      sub.disconnect();
    }
  });

  it('adds a CPC batch’s spend once when the batch is processed twice', async () => {
    const campaignId = hex(12);
    await ctx.models.Campaign.create({
      _id: campaignId,
      advertiserId: hex(12),
      name: 'cpc',
      destinationUrl: 'https://x.example.com/',
      currency: 'USD',
      payoutModel: 'CPC',
      revenueCents: 10,
      payoutCents: 5,
      postbackSecret: 's',
    });
    const clicks = [fakeClick({ campaignId, cpcRevenueCents: 10, cpcPayoutCents: 5 }), fakeClick({ campaignId, cpcRevenueCents: 10, cpcPayoutCents: 5 })];
    await processClickBatch(deps(), batchOf(clicks));
    await processClickBatch(deps(), batchOf(clicks));
    expect((await ctx.models.CampaignCounter.findById(`${campaignId}|total`).lean())?.spendCents).toBe(20);
    const live = await readLive(ctx.redis, ctx.keys, 'campaign', campaignId);
    expect(live.today.money).toEqual({ USD: { revenueCents: 20, payoutCents: 10 } });
  });
});
