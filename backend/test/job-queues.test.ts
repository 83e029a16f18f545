import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoApprove } from '../src/auto-approve/auto-approve';
import type { AppContext } from '../src/context';
import { changeConversionStatus } from '../src/conversions/status-change';
import { dequeueDone, dequeueStale, dueEntries, enqueueDue, type DueEntry } from '../src/db/due-queues';
import { newId } from '../src/db/ids';
import { DAY_MS, dayKey, HOUR_MS, hourStart } from '../src/domain/time-buckets';
import { reconcile } from '../src/reconcile/reconcile';
import { rollHours } from '../src/rollups/hourly';
import { duePayables } from '../src/payouts/payable-queue';
import { markOpen, openPayouts } from '../src/payouts/payout-holds';
import { runPayouts } from '../src/payouts/run';
import { transitionPayout } from '../src/payouts/transitions';
import { createTestContext, destroyTestContext } from './helpers/context';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let b: RawEventsBuilder;
let camp: BuiltCampaign;
const now = Date.now();
const daysAgo = (d: number) => now - d * DAY_MS;

beforeAll(async () => {
  ctx = await createTestContext({ PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '1000' });
  b = new RawEventsBuilder(ctx);
  camp = await b.campaign({ name: 'Queued' });
  // The one-time backfills run now, on an empty database, so later rows are found only through the queues.
  await runPayouts(ctx, { runId: 'warm-up', nowMs: now });
  await autoApprove(ctx, now);
}, 60_000);

afterAll(async () => {
  await destroyTestContext(ctx);
});

describe('due queues', () => {
  it('list entries up to a day, drop a day once its bucket is empty, and keep entries added while one is taken out', async () => {
    const entries: DueEntry[] = [
      { day: '20260101', id: 'a' },
      { day: '20260101', id: 'b' },
      { day: '20260103', id: 'c' },
    ];
    await enqueueDue(ctx.db, 'pending', entries);
    expect(await dueEntries(ctx.db, 'pending', '20260102')).toEqual(entries.slice(0, 2));
    await dequeueDone(ctx.db, 'pending', entries.slice(0, 2));
    expect(await dueEntries(ctx.db, 'pending', '20260102')).toEqual([]);

    // Taking entries out while others are added to the same days never loses an added one.
    const added = Array.from({ length: 60 }, (_, i) => ({ day: `2026010${1 + (i % 3)}`, id: `n${i}` }));
    await Promise.all([
      ...added.map((e) => enqueueDue(ctx.db, 'pending', [e])),
      dequeueDone(ctx.db, 'pending', [entries[2]!]),
    ]);
    const left = await dueEntries(ctx.db, 'pending', '20260109');
    expect(left.map((e) => e.id).sort()).toEqual(added.map((e) => e.id).sort());
    await dequeueDone(ctx.db, 'pending', left);
  });

  it('puts back a stale entry that became due again while it was taken out', async () => {
    const e = { day: '20260201', id: 'x' };
    await enqueueDue(ctx.db, 'pending', [e]);
    await dequeueStale(ctx.db, 'pending', [e], async () => e);
    expect(await dueEntries(ctx.db, 'pending', '20260201')).toEqual([e]);
    await dequeueStale(ctx.db, 'pending', [e], async () => null);
    expect(await dueEntries(ctx.db, 'pending', '20260201')).toEqual([]);
  });
});

describe('payout runs read what the payable queue lists', () => {
  it('pay a conversion approved through the status change, and nothing stored behind the queue’s back', async () => {
    const aff = newId();
    const [reviewed] = await b.addConversions([{ at: daysAgo(10), campaign: camp, affiliateId: aff, payoutCents: 2000, status: 'pending' }]);
    await changeConversionStatus(ctx, reviewed!._id, 'approved', { by: 'tester' });
    // Written straight into the collection, bypassing every write path: no queue lists it.
    const hidden = newId();
    await ctx.models.Conversion.collection.insertOne({ ...reviewed!, _id: hidden, txnId: 'hidden', clickKey: hidden, payoutId: null } as never);

    const counts = await runPayouts(ctx, { runId: 'q1', nowMs: now });
    expect(counts).toMatchObject({ payouts: 1, conversions: 1 });
    expect((await ctx.models.Conversion.findById(reviewed!._id).lean())?.payoutId).toBeTruthy();
    expect((await ctx.models.Conversion.findById(hidden).lean())?.payoutId).toBeNull();
    // Paid: it left the queue.
    expect((await duePayables(ctx, new Date(now))).map((p) => p.doc._id)).not.toContain(reviewed!._id);
  });

  it('drops entries that are no longer payable, and keeps those within the hold period', async () => {
    const aff = newId();
    const [recent, rejected] = await b.addConversions([
      { at: daysAgo(2), campaign: camp, affiliateId: aff, payoutCents: 3000 },
      { at: daysAgo(12), campaign: camp, affiliateId: aff, payoutCents: 3000 },
    ]);
    await changeConversionStatus(ctx, rejected!._id, 'rejected', { by: 'tester' });
    const counts = await runPayouts(ctx, { runId: 'q2', nowMs: now });
    expect(counts).toMatchObject({ payouts: 0 });
    const listed = (await dueEntries(ctx.db, 'payable', dayKey(now))).map((e) => e.id);
    expect(listed).toContain(recent!._id);
    expect(listed).not.toContain(rejected!._id);
  });

  it('finish a rejection that stopped before releasing, from the open mark, and pay the released conversions again', async () => {
    const aff = newId();
    await b.addConversions(Array.from({ length: 3 }, (_, i) => ({ at: daysAgo(20) + i, campaign: camp, affiliateId: aff, payoutCents: 1000 })));
    await runPayouts(ctx, { runId: 'q3', nowMs: now });
    const first = (await ctx.models.Payout.findOne({ affiliateId: aff }).lean())!;
    // The rejection's mark and status change landed; its release did not.
    await markOpen(ctx.db, 'releasing', first._id);
    await ctx.models.Payout.updateOne({ _id: first._id }, { $set: { status: 'rejected' } });
    const counts = await runPayouts(ctx, { runId: 'q4', nowMs: now });
    expect(counts).toMatchObject({ released: 3, payouts: 1, conversions: 3 });
    expect(await openPayouts(ctx.db, 'releasing')).not.toContain(first._id);
    const second = (await ctx.models.Payout.findOne({ affiliateId: aff, status: 'pending_approval' }).lean())!;
    expect(second._id).not.toBe(first._id);

    // A rejection through the review path releases at once and leaves no mark.
    await transitionPayout(ctx, second._id, 'reject', 'admin');
    expect(await openPayouts(ctx.db, 'releasing')).not.toContain(second._id);
    expect(await runPayouts(ctx, { runId: 'q5', nowMs: now })).toMatchObject({ payouts: 1, conversions: 3, released: 0 });
  });
});

describe('auto-approval reads what the pending queue lists', () => {
  it('approves old pending conversions, keeps young ones, and forgets reviewed ones', async () => {
    const auto = await b.campaign({ name: 'Auto', autoApproveAfterDays: 3 });
    const aff = newId();
    const [old, young, reviewed] = await b.addConversions([
      { at: daysAgo(5), campaign: auto, affiliateId: aff, payoutCents: 100, status: 'pending' },
      { at: daysAgo(1), campaign: auto, affiliateId: aff, payoutCents: 100, status: 'pending' },
      { at: daysAgo(6), campaign: auto, affiliateId: aff, payoutCents: 100, status: 'pending' },
    ]);
    await changeConversionStatus(ctx, reviewed!._id, 'rejected', { by: 'tester' });
    const counts = await autoApprove(ctx, now);
    expect(counts).toMatchObject({ candidates: 1, approved: 1 });
    expect((await ctx.models.Conversion.findById(old!._id).lean())?.status).toBe('approved');
    expect((await ctx.models.Conversion.findById(young!._id).lean())?.status).toBe('pending');
    const listed = (await dueEntries(ctx.db, 'pending', dayKey(now))).map((e) => e.id);
    expect(listed).toEqual([young!._id]);
    // The approved one is now the payout run's.
    expect((await dueEntries(ctx.db, 'payable', dayKey(now))).map((e) => e.id)).toContain(old!._id);
  });
});

describe('reconciliation', () => {
  it('finds an approved unpaid conversion missing from the payable queue', async () => {
    const aff = newId();
    const at = daysAgo(30);
    const [c] = await b.addConversions([{ at, campaign: camp, affiliateId: aff, payoutCents: 10 }]);
    const hour = hourStart(at);
    await rollHours(ctx, [hour]);
    const range = { fromMs: hour, toMs: hour + HOUR_MS, nowMs: now };
    expect((await reconcile(ctx, range)).differences).toEqual([]);
    await dequeueDone(ctx.db, 'payable', [{ day: dayKey(at), id: c!._id }]);
    const found = (await reconcile(ctx, range)).differences;
    expect(found).toEqual([expect.objectContaining({ kind: 'due_queues', key: `payable|${dayKey(at)}` })]);
  });
});
