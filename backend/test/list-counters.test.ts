import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStoredUsers, listUsers, USER_LIST } from '../src/accounts/user-list';
import type { AppContext } from '../src/context';
import { CONVERSION_LIST } from '../src/conversions/conversion-list';
import { countStoredPostbacks, listPostback, listPostbacks, POSTBACK_LIST } from '../src/conversions/postback-list';
import { changeConversionStatus } from '../src/conversions/status-change';
import { newId } from '../src/db/ids';
import { incCounters, listScopes, scopeId } from '../src/db/list-buckets';
import type { DeliveryDoc } from '../src/db/models/delivery';
import type { JobRunDoc } from '../src/db/models/job-run';
import type { PayoutDoc } from '../src/db/models/payout';
import type { PostbackDoc } from '../src/db/models/postback';
import type { UserDoc } from '../src/db/models/user';
import type { Difference } from '../src/domain/reconcile-diff';
import { DAY_MS } from '../src/domain/time-buckets';
import { countStoredRuns, JOB_RUN_LIST, listRuns } from '../src/job-runs/run-list';
import { countStoredDeliveries, DELIVERY_LIST, listDeliveries } from '../src/outbound/delivery-list';
import { countStoredPayouts, listPayouts, PAYOUT_LIST } from '../src/payouts/payout-list';
import { listCounterDifferences, repairListCounters } from '../src/reconcile/list-counters';
import { reconcile } from '../src/reconcile/reconcile';
import { createTestContext, destroyTestContext } from './helpers/context';
import { RawEventsBuilder, type BuiltCampaign } from './helpers/raw-events-builder';

let ctx: AppContext;
let camp: BuiltCampaign;
const NOW = Date.now();
const affs = [newId(), newId()];
/** A range of long ago with nothing in it: only the list counters have anything to compare. */
const EMPTY_PAST = { fromMs: Date.UTC(2020, 0, 1), toMs: Date.UTC(2020, 0, 2) };
const noPause = { settle: async () => {} };

const at = (i: number) => new Date(NOW - (i + 1) * 3_600_000);

/** Rows stored the way the seed and older history store them: listed first, counted once stored. */
async function storeRows(): Promise<void> {
  const b = new RawEventsBuilder(ctx);
  camp = await b.campaign();
  const statuses = ['approved', 'pending', 'rejected'] as const;
  await b.addConversions(Array.from({ length: 9 }, (_, i) => ({ at: at(i).getTime(), campaign: camp, affiliateId: affs[i % 2]!, status: statuses[i % 3] })));

  const postbacks = Array.from({ length: 5 }, (_, i) => ({ _id: newId(), receivedAt: at(i), campaignId: i < 3 ? camp._id : null, advertiserId: i < 3 ? camp.advertiserId : null, state: 'rejected', params: {} }));
  await listPostbacks(ctx.db, postbacks);
  await ctx.db.collection('postbacks').insertMany(postbacks as never[]);
  await countStoredPostbacks(ctx.db, postbacks);

  const payouts = (['pending_approval', 'approved', 'paid', 'rejected'] as const).map((status, i) => ({ _id: newId(), affiliateId: affs[i % 2]!, createdAt: at(i), status }));
  await listPayouts(ctx.db, payouts);
  await ctx.db.collection('payouts').insertMany(payouts as never[]);
  await countStoredPayouts(ctx.db, payouts as Array<Pick<PayoutDoc, 'affiliateId' | 'status'>>);

  const users = (['affiliate', 'advertiser', 'affiliate'] as const).map((role, i) => ({ _id: newId(), role, status: (['approved', 'pending', 'suspended'] as const)[i]!, createdAt: at(i) }));
  await listUsers(ctx.db, users as Array<Pick<UserDoc, '_id' | 'role' | 'createdAt'>>);
  await ctx.db.collection('users').insertMany(users as never[]);
  await countStoredUsers(ctx.db, users);

  const deliveries = Array.from({ length: 4 }, (_, i) => ({ _id: newId(), affiliateId: affs[i % 2]!, at: at(i) }));
  await listDeliveries(ctx.db, deliveries as Array<Pick<DeliveryDoc, '_id' | 'affiliateId' | 'at'>>);
  await ctx.db.collection('postback_deliveries').insertMany(deliveries as never[]);
  await countStoredDeliveries(ctx.db, deliveries);

  const runs = (['succeeded', 'failed', 'running'] as const).map((status, i) => ({ _id: newId(), job: i ? 'alpha' : 'beta', startedAt: at(i), status }));
  await listRuns(ctx.db, runs as Array<Pick<JobRunDoc, '_id' | 'job' | 'startedAt' | 'status'>>);
  await ctx.db.collection('job_runs').insertMany(runs as never[]);
  await countStoredRuns(ctx.db, runs);
}

/** One drifted counter per list, as a crash between a row and its counter would leave it. */
const DRIFTS: Array<{ list: string; scope: () => string; field: string; by: number }> = [
  { list: CONVERSION_LIST, scope: () => `camp:${camp._id}`, field: 'approved', by: 1 },
  { list: POSTBACK_LIST, scope: () => `adv:${camp.advertiserId}`, field: 'n', by: -1 },
  { list: PAYOUT_LIST, scope: () => `aff:${affs[1]!}`, field: 'approved', by: 2 },
  { list: USER_LIST, scope: () => 'role:affiliate', field: 'suspended', by: -1 },
  { list: DELIVERY_LIST, scope: () => 'all', field: 'n', by: 1 },
  { list: JOB_RUN_LIST, scope: () => 'job:alpha', field: 'running', by: 1 },
];

const counters = async () => (await listScopes(ctx.db).find({}).toArray()).map(({ first: _f, last: _l, ...c }) => c).sort((a, b) => (a._id < b._id ? -1 : 1));

const listDiffs = (d: Difference[]) => d.filter((x) => x.kind === 'list_counters');

beforeAll(async () => {
  ctx = await createTestContext();
  await storeRows();
}, 60_000);
afterAll(async () => {
  await destroyTestContext(ctx);
});

describe('list counters against their rows (reconciliation and repair-list-counters)', () => {
  it('finds nothing on clean data, also after a status change made by the API path', async () => {
    const pending = (await ctx.models.Conversion.findOne({ status: 'pending' }).lean())!;
    await changeConversionStatus(ctx, pending._id, 'approved', { by: null });
    const report = await reconcile(ctx, { ...EMPTY_PAST, listCounters: true, listCounterOptions: noPause });
    expect(report.listCounters).toBe(true);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    const all = (await listScopes(ctx.db).findOne({ _id: scopeId(CONVERSION_LIST, 'all') }))!;
    expect([all.approved, all.pending, all.rejected]).toEqual([4, 2, 3]);
  });

  it('only compares them when asked or when the range reaches the current day', async () => {
    await incCounters(ctx.db, DELIVERY_LIST, new Map([['all', { n: 1 }]]));
    try {
      expect((await reconcile(ctx, EMPTY_PAST)).listCounters).toBe(false);
      expect((await reconcile(ctx, EMPTY_PAST)).differences).toEqual([]);
      const today = await reconcile(ctx, { fromMs: NOW - DAY_MS, toMs: NOW + 3_600_000, listCounterOptions: noPause });
      expect(today.listCounters).toBe(true);
      expect(listDiffs(today.differences)).toEqual([{ kind: 'list_counters', key: `${DELIVERY_LIST}|all`, field: 'n', expected: 4, actual: 5 }]);
    } finally {
      await incCounters(ctx.db, DELIVERY_LIST, new Map([['all', { n: -1 }]]));
    }
  });

  it('reports exactly the drifted counter of each list; the repair corrects them and running it again changes nothing', async () => {
    const before = await counters();
    const expectedDiffs: Difference[] = [];
    for (const d of DRIFTS) {
      const doc = await listScopes(ctx.db).findOne({ _id: scopeId(d.list, d.scope()) });
      const value = Number(doc?.[d.field] ?? 0);
      await listScopes(ctx.db).updateOne({ _id: scopeId(d.list, d.scope()) }, { $inc: { [d.field]: d.by } as never });
      expectedDiffs.push({ kind: 'list_counters', key: scopeId(d.list, d.scope()), field: d.field, expected: value, actual: value + d.by });
    }
    // A counter left on a scope none of the rows belongs to.
    await incCounters(ctx.db, PAYOUT_LIST, new Map([['aff:nobody', { paid: 1 }]]));
    expectedDiffs.push({ kind: 'list_counters', key: `${PAYOUT_LIST}|aff:nobody`, field: 'paid', expected: 0, actual: 1 });
    const byKey = (a: Difference, b: Difference) => (a.key + a.field < b.key + b.field ? -1 : 1);

    const report = await reconcile(ctx, { ...EMPTY_PAST, listCounters: true, listCounterOptions: noPause });
    expect(report.ok).toBe(false);
    expect([...report.differences].sort(byKey)).toEqual([...expectedDiffs].sort(byKey));

    const repaired = await repairListCounters(ctx, noPause);
    expect(repaired.repaired).toBe(DRIFTS.length + 1);
    expect((await reconcile(ctx, { ...EMPTY_PAST, listCounters: true, listCounterOptions: noPause })).differences).toEqual([]);
    const fixed = await counters();
    expect(fixed.filter((c) => c._id !== `${PAYOUT_LIST}|aff:nobody`)).toEqual(before);
    expect(fixed.find((c) => c._id === `${PAYOUT_LIST}|aff:nobody`)?.paid).toBe(0);

    expect(await repairListCounters(ctx, noPause)).toEqual({ repaired: 0, differences: [] });
    expect(await counters()).toEqual(fixed);
  });

  it('counts a postback stored while Redis was down (campaign not resolved yet) under the scopes it was listed under', async () => {
    const { postbackSecret } = (await ctx.models.Campaign.findById(camp._id).lean())!;
    const job = { id: newId(), receivedAt: new Date().toISOString(), params: { token: postbackSecret, click_id: 'x' } };
    await listPostback(ctx, job);
    const queued: Partial<PostbackDoc> = { _id: job.id, receivedAt: new Date(job.receivedAt), campaignId: null, advertiserId: null, state: 'queued', params: job.params };
    await ctx.db.collection('postbacks').insertOne(queued as never);
    const camps = await listScopes(ctx.db).findOne({ _id: scopeId(POSTBACK_LIST, `camp:${camp._id}`) });
    expect(camps?.n).toBe(4);
    expect(await listCounterDifferences(ctx, noPause)).toEqual([]);
  });

  it('does not report writes in flight during the check: only a difference seen twice with the same values', async () => {
    // A postback the worker has listed (and counted) but not stored yet; it is stored before the second look.
    const job = { id: newId(), receivedAt: new Date().toISOString(), params: {} as Record<string, string> };
    await listPostback(ctx, job, { campaignId: camp._id, advertiserId: camp.advertiserId });
    // A status change whose counter move has not happened yet; it happens before the second look.
    const conv = (await ctx.models.Conversion.findOne({ status: 'rejected', campaignId: camp._id }).lean())!;
    await ctx.models.Conversion.updateOne({ _id: conv._id }, { $set: { status: 'approved' } });
    const moves = new Map(['all', `adv:${conv.advertiserId}`, `aff:${conv.affiliateId}`, `camp:${conv.campaignId}`].map((s) => [s, { rejected: -1, approved: 1 }]));
    // And a real drift, which stays.
    await incCounters(ctx.db, USER_LIST, new Map([['all', { approved: 1 }]]));

    let looks = 0;
    const diffs = await listCounterDifferences(ctx, {
      settle: async () => {
        looks++;
        const pb: Partial<PostbackDoc> = { _id: job.id, receivedAt: new Date(job.receivedAt), campaignId: camp._id, advertiserId: camp.advertiserId };
        await ctx.db.collection('postbacks').insertOne(pb as never);
        await incCounters(ctx.db, CONVERSION_LIST, moves);
        // Meanwhile the next postback is listed and not stored yet: the count moved, it is not the same difference.
        await listPostback(ctx, { id: newId(), receivedAt: new Date().toISOString(), params: {} }, { campaignId: camp._id, advertiserId: camp.advertiserId });
      },
    });
    expect(looks).toBe(1);
    expect(diffs).toEqual([{ kind: 'list_counters', key: `${USER_LIST}|all`, field: 'approved', expected: 1, actual: 2 }]);
  });
});
