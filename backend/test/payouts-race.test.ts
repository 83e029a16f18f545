import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import type { PayoutDoc } from '../src/db/models/payout';
import { payoutClaims } from '../src/db/payout-claims';
import { clickClaimId, isClickClaim } from '../src/domain/payout-plan';
import { DAY_MS, dayStart, HOUR_MS } from '../src/domain/time-buckets';
import { onFaultPoint, type FaultDetail } from '../src/fault-points';
import { duePayables } from '../src/payouts/payable-queue';
import { buildPayout, runPayouts } from '../src/payouts/run';
import { settleClickEarnings } from '../src/payouts/settle-clicks';
import { reconcile } from '../src/reconcile/reconcile';
import { rollHours } from '../src/rollups/hourly';
import { createTestContext, destroyTestContext } from './helpers/context';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

/**
 * Payout builders racing on one affiliate × currency, with the interleaving
 * forced through the test-only fault point hooks (backend/src/fault-points.ts),
 * not left to timing: whatever the order, a payout's counts and amount are
 * exactly the conversions and click earnings it holds a claim for, and
 * nothing is paid twice.
 */
let ctx: AppContext;
let b: RawEventsBuilder;
let cpc: BuiltCampaign;
let cpa: BuiltCampaign;
const now = Date.now();
const day = (n: number) => dayStart(now) - n * DAY_MS;
const hoursOf = (d: number) => Array.from({ length: 24 }, (_, i) => d + i * HOUR_MS);
const cutoff = new Date(now - 7 * DAY_MS);
const CPC_PAYOUT = 25;
const CLICKS_A_DAY = 20;
const SALE = 700;

beforeAll(async () => {
  ctx = await createTestContext({ PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '1000' });
  b = new RawEventsBuilder(ctx);
  const advertiserId = newId();
  cpc = await b.campaign({ advertiserId, payoutModel: 'CPC', revenueCents: 40, payoutCents: CPC_PAYOUT });
  cpa = await b.campaign({ advertiserId, payoutCents: SALE });
}, 120_000);

afterAll(async () => {
  await destroyTestContext(ctx);
});

/** An affiliate with three CPC days (rolled up, so a run settles them) and three approved sales on those days. */
async function affiliateWithEarnings(days: number[]): Promise<string> {
  const affiliateId = newId();
  await b.addClicks(days.flatMap((d) => Array.from({ length: CLICKS_A_DAY }, (_, i) => ({ at: d + i * HOUR_MS + 1000, campaign: cpc, affiliateId, cpcPayoutCents: CPC_PAYOUT, cpcRevenueCents: 40 }))));
  await b.addConversions(days.map((d) => ({ at: d + 5 * HOUR_MS + 2000, campaign: cpa, affiliateId, payoutCents: SALE })));
  await rollHours(ctx, days.flatMap(hoursOf));
  return affiliateId;
}

const EXPECTED = { conversionCount: 3, clickEarningCount: 3, clickCount: 3 * CLICKS_A_DAY, amountCents: 3 * CLICKS_A_DAY * CPC_PAYOUT + 3 * SALE };

/**
 * Holds the first task to reach `point` for this affiliate there until
 * `release()`; every other task (and any later one) goes by.
 */
function holdAt(point: string, affiliateId: string) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const arrived = new Promise<void>((r) => (reached = r));
  let held = false;
  const remove = onFaultPoint(point, async (d: FaultDetail) => {
    if (held || d.affiliateId !== affiliateId) return;
    held = true;
    reached();
    await gate;
  });
  return { arrived, release: () => (remove(), release()) };
}

/** The affiliate's payouts, and for each what points at it: claims, conversions, click earnings, lines. */
async function recordsOf(affiliateId: string) {
  const payouts = (await ctx.models.Payout.find({ affiliateId }).lean()) as PayoutDoc[];
  return Promise.all(
    payouts.map(async (p) => {
      const claims = await payoutClaims(ctx.db).find({ payoutId: p._id }).toArray();
      return {
        payout: p,
        claims: claims.map((c) => c._id).sort(),
        clickClaims: claims.filter((c) => isClickClaim(c._id)).length,
        conversions: (await ctx.models.Conversion.find({ payoutId: p._id }).lean()).map((c) => c._id).sort(),
        earnings: (await ctx.models.ClickEarning.find({ payoutId: p._id }).lean()).map((e) => clickClaimId(e._id)).sort(),
        lines: (await ctx.models.PayoutLine.find({ payoutId: p._id }).lean()).map((l) => (l.kind === 'clicks' ? clickClaimId(l.clickEarningId!) : l.conversionId!)).sort(),
      };
    }),
  );
}

/** One payout awaiting approval holds every item of the affiliate once: its counts, claims, mirrors and lines agree; a further run pays nothing. */
async function expectPaidOnce(affiliateId: string, days: number[]): Promise<PayoutDoc> {
  const records = await recordsOf(affiliateId);
  expect(records.map((r) => r.payout.status)).toEqual(['pending_approval']);
  const r = records[0]!;
  expect(r.payout).toMatchObject(EXPECTED);
  expect(r.payout.history.filter((h) => h.to === 'pending_approval')).toHaveLength(1);
  expect(r.claims).toHaveLength(r.payout.conversionCount + r.payout.clickEarningCount);
  expect(r.clickClaims).toBe(r.payout.clickEarningCount);
  expect([...r.conversions, ...r.earnings].sort()).toEqual(r.claims);
  expect(r.lines).toEqual(r.claims);
  const free = (await ctx.models.ClickEarning.find({ affiliateId, payoutId: null }).lean()).length + (await ctx.models.Conversion.find({ affiliateId, payoutId: null }).lean()).length;
  expect(free).toBe(0);
  const again = await runPayouts(ctx, { runId: `after-${affiliateId}`, nowMs: now });
  expect(again).toMatchObject({ payouts: 0, conversions: 0, clickEarnings: 0 });
  expect(await recordsOf(affiliateId)).toHaveLength(1);
  const report = await reconcile(ctx, { fromMs: Math.min(...days), toMs: Math.max(...days) + DAY_MS });
  expect(report.differences).toEqual([]);
  return r.payout;
}

describe('payout builders racing on one affiliate and currency', () => {
  it('a run leaves a payout another run is building to that run: one payout, counted as claimed, paid once', async () => {
    const days = [30, 29, 28].map(day);
    const affiliateId = await affiliateWithEarnings(days);
    // Run A has created the affiliate's payout (building) and waits before holding or claiming anything.
    const hold = holdAt('payouts:building', affiliateId);
    const runA = runPayouts(ctx, { runId: 'slowA', nowMs: now });
    await hold.arrived;
    // Run B, meanwhile, finds that payout in the building set: it is not an interrupted one.
    const runB = await runPayouts(ctx, { runId: 'fastB', nowMs: now });
    expect(runB).toMatchObject({ payouts: 0, resumed: 0, busy: 1 });
    hold.release();
    expect(await runA).toMatchObject({ payouts: 1, conversions: 3, clickEarnings: 3, resumed: 0 });
    await expectPaidOnce(affiliateId, days);
  }, 180_000);

  it('two builders of one payout (a run that lost its lock and one that resumed it) count only what the payout claimed', async () => {
    const days = [40, 39, 38].map(day);
    const affiliateId = await affiliateWithEarnings(days);
    await settleClickEarnings(ctx, cutoff);
    const p = (
      await ctx.models.Payout.create({ _id: newId(), runId: 'twice', affiliateId, currency: 'USD', status: 'building', cutoff, buildKey: `building|${affiliateId}|USD`, history: [] })
    ).toObject() as PayoutDoc;
    const fresh = (await duePayables(ctx, cutoff)).filter((f) => f.doc.affiliateId === affiliateId);
    expect(fresh).toHaveLength(6);
    // The first builder waits before claiming; the second claims everything and completes the payout.
    const hold = holdAt('payouts:building', affiliateId);
    const first = buildPayout(ctx, p, 'system', 'first', fresh);
    await hold.arrived;
    expect(await buildPayout(ctx, p, 'system', 'second', fresh, { resumed: true })).toMatchObject({ built: true, conversions: 3, clickEarnings: 3 });
    hold.release();
    // The first finds every claim already its payout's: it neither lets them go nor completes the payout again.
    expect(await first).toMatchObject({ built: false });
    await expectPaidOnce(affiliateId, days);
  }, 180_000);

  it('seals a payout with the claims it still holds: one lost between claiming and completing is neither counted nor lost', async () => {
    const days = [50, 49, 48].map(day);
    const affiliateId = await affiliateWithEarnings(days);
    const hold = holdAt('payouts:claimed', affiliateId);
    const run = runPayouts(ctx, { runId: 'sealed', nowMs: now });
    await hold.arrived;
    // Its claim on one click earning is gone (as another builder's mistaken release would leave it).
    const [lost] = (await ctx.models.ClickEarning.find({ affiliateId }).lean()).sort((x, y) => x._id.localeCompare(y._id));
    expect(lost!.payoutId).not.toBeNull();
    expect((await payoutClaims(ctx.db).deleteOne({ _id: clickClaimId(lost!._id) })).deletedCount).toBe(1);
    hold.release();
    expect(await run).toMatchObject({ payouts: 1, conversions: 3, clickEarnings: 2 });
    const [r] = await recordsOf(affiliateId);
    expect(r!.payout).toMatchObject({ clickEarningCount: 2, clickCount: 2 * CLICKS_A_DAY, amountCents: EXPECTED.amountCents - CLICKS_A_DAY * CPC_PAYOUT });
    expect(r!.claims).toHaveLength(5);
    expect(r!.lines).toEqual(r!.claims);
    // Let go, and back in the payable queue: the next run pays it (below the minimum it waits; here it is paid with nothing else).
    expect((await ctx.models.ClickEarning.findById(lost!._id).lean())!.payoutId).toBeNull();
    expect((await duePayables(ctx, cutoff)).map((f) => f.entry.id)).toContain(clickClaimId(lost!._id));
  }, 180_000);

  it('reconciliation finds a payout that counts an item it holds no claim for', async () => {
    const days = [60, 59, 58].map(day);
    const affiliateId = await affiliateWithEarnings(days);
    await runPayouts(ctx, { runId: 'planted', nowMs: now });
    const p = await expectPaidOnce(affiliateId, days);
    const earning = (await ctx.models.ClickEarning.findOne({ payoutId: p._id }).lean())!;
    const claim = (await payoutClaims(ctx.db).findOne({ _id: clickClaimId(earning._id) }))!;
    await payoutClaims(ctx.db).deleteOne({ _id: claim._id });
    const range = { fromMs: Math.min(...days), toMs: Math.max(...days) + DAY_MS };
    expect((await reconcile(ctx, range)).differences).toEqual([
      { kind: 'payout_claims', key: p._id, field: 'clickEarningCount', expected: 3, actual: 2 },
      { kind: 'payout_links', key: `${p._id}|${claim._id}`, field: 'claim', expected: 1, actual: 0 },
    ]);
    await payoutClaims(ctx.db).insertOne(claim);
    expect((await reconcile(ctx, range)).differences).toEqual([]);
  }, 180_000);
});
