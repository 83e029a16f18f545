import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LIST, auditLog, recordAudit } from '../src/audit/audit-log';
import type { AppContext } from '../src/context';
import { countStoredPostbacks, listPostbacks, POSTBACK_LIST } from '../src/conversions/postback-list';
import { newId } from '../src/db/ids';
import { addEntries, bucketId, listDays, listScopes, scopeId } from '../src/db/list-buckets';
import type { DeliveryDoc } from '../src/db/models/delivery';
import { DAY_MS, dayKey } from '../src/domain/time-buckets';
import { countStoredDeliveries, DELIVERY_LIST, listDeliveries } from '../src/outbound/delivery-list';
import { dayCheckedDifferences, listChecks, repairDayCheckedCounters, SETTLED_DAYS } from '../src/reconcile/list-counter-days';
import { createTestContext, destroyTestContext } from './helpers/context';

let ctx: AppContext;
const NOW = Date.now();
const camp = { campaignId: newId(), advertiserId: newId() };
const aff = newId();
const noPause = { nowMs: NOW, settle: async () => {} };

type Pb = { _id: string; receivedAt: Date; campaignId: string | null; advertiserId: string | null; state: string; params: Record<string, string> };
const postbackAt = (ms: number, owned = true): Pb => ({ _id: newId(), receivedAt: new Date(ms), ...(owned ? camp : { campaignId: null, advertiserId: null }), state: 'rejected', params: {} });

/** Postbacks as the seed stores them: listed, stored, counted. */
async function storePostbacks(docs: Pb[]): Promise<void> {
  await listPostbacks(ctx.db, docs);
  await ctx.db.collection('postbacks').insertMany(docs as never[]);
  await countStoredPostbacks(ctx.db, docs);
}

const counter = async (list: string, scope: string) => Number((await listScopes(ctx.db).findOne({ _id: scopeId(list, scope) }))?.n ?? 0);

beforeAll(async () => {
  ctx = await createTestContext();
  // Ten days back to today: settled days and the recent ones.
  await storePostbacks([10, 10, 6, 4, 1, 0].map((d, i) => postbackAt(NOW - d * DAY_MS - 60_000, i % 3 !== 2)));
  const deliveries = [9, 5, 0].map((d) => ({ _id: newId(), affiliateId: aff, at: new Date(NOW - d * DAY_MS - 60_000) }));
  await listDeliveries(ctx.db, deliveries as Array<Pick<DeliveryDoc, '_id' | 'affiliateId' | 'at'>>);
  await ctx.db.collection('postback_deliveries').insertMany(deliveries as never[]);
  await countStoredDeliveries(ctx.db, deliveries);
  await recordAudit(ctx, { action: 'test.setup', actor: null, target: { type: 'test', id: 'x', label: 'x' } });
});
afterAll(async () => { await destroyTestContext(ctx); });

describe('list counters checked by day (postbacks, deliveries, audit log)', () => {
  it('finds nothing on consistent counters, and keeps the settled days counted', async () => {
    expect(await dayCheckedDifferences(ctx, noPause)).toEqual([]);
    const check = await listChecks(ctx.db).findOne({ _id: POSTBACK_LIST });
    expect(check).toMatchObject({ through: dayKey(NOW - SETTLED_DAYS * DAY_MS), totals: { all: 4, [`camp:${camp.campaignId}`]: 3, [`adv:${camp.advertiserId}`]: 3 } });
    expect((await listChecks(ctx.db).findOne({ _id: DELIVERY_LIST }))?.totals).toEqual({ all: 2, [`aff:${aff}`]: 2 });

    // A settled day is not read again: its bucket gone, the next check still adds up (from the stored total).
    const settledDay = dayKey(NOW - 6 * DAY_MS - 60_000);
    const bucket = await listDays(ctx.db).findOne({ _id: bucketId(POSTBACK_LIST, 'all', settledDay) });
    expect(bucket?.entries).toHaveLength(1);
    await listDays(ctx.db).deleteOne({ _id: bucketId(POSTBACK_LIST, 'all', settledDay) });
    try {
      expect(await dayCheckedDifferences(ctx, noPause)).toEqual([]);
    } finally {
      await listDays(ctx.db).insertOne(bucket!);
    }
  });

  it('finds a postback counted but never stored and a delivery stored but not counted, repairs both with audit entries, then finds nothing', async () => {
    // As the intake leaves it when it cannot store a postback after listing (and counting) it.
    const lost = postbackAt(NOW - 60_000);
    await listPostbacks(ctx.db, [lost]);
    await countStoredPostbacks(ctx.db, [lost]);
    // As a crash between a delivery's insert and its count leaves it.
    const uncounted = { _id: newId(), affiliateId: aff, at: new Date(NOW - 120_000) };
    await listDeliveries(ctx.db, [uncounted]);
    await ctx.db.collection('postback_deliveries').insertOne(uncounted as never);

    const before = { all: await counter(POSTBACK_LIST, 'all'), camp: await counter(POSTBACK_LIST, `camp:${camp.campaignId}`), dl: await counter(DELIVERY_LIST, `aff:${aff}`) };
    const differences = await dayCheckedDifferences(ctx, noPause);
    expect(differences).toEqual(
      expect.arrayContaining([
        { kind: 'list_counters', key: `pb|all`, field: 'n', expected: before.all - 1, actual: before.all },
        { kind: 'list_counters', key: `pb|camp:${camp.campaignId}`, field: 'n', expected: before.camp - 1, actual: before.camp },
        { kind: 'list_counters', key: `pb|adv:${camp.advertiserId}`, field: 'n', expected: before.camp - 1, actual: before.camp },
        { kind: 'list_counters', key: `dl|aff:${aff}`, field: 'n', expected: before.dl + 1, actual: before.dl },
        { kind: 'list_counters', key: `dl|all`, field: 'n', expected: before.dl + 1, actual: before.dl },
      ]),
    );
    expect(differences).toHaveLength(5);

    const audited = await auditLog(ctx.db).countDocuments({});
    const { repaired } = await repairDayCheckedCounters(ctx, noPause);
    expect(repaired).toBe(5);
    expect(await counter(POSTBACK_LIST, 'all')).toBe(before.all - 1);
    expect(await counter(DELIVERY_LIST, `aff:${aff}`)).toBe(before.dl + 1);
    const entries = await auditLog(ctx.db).find({ action: 'list_counter.repair' }).toArray();
    expect(await auditLog(ctx.db).countDocuments({})).toBe(audited + 5);
    expect(entries.find((e) => e.target.id === `dl|aff:${aff}`)).toMatchObject({ actor: null, details: { field: 'n', from: before.dl, to: before.dl + 1 } });
    // The audit entries the repair wrote are counted like any other.
    expect(await repairDayCheckedCounters(ctx, noPause)).toEqual({ repaired: 0, differences: [] });
    expect(await counter(AUDIT_LIST, 'action:list_counter.repair')).toBe(5);
  });

  it('does not report a row stored during the pause between the two passes (counted when listed, stored a moment later)', async () => {
    const inFlight = postbackAt(NOW - 30_000);
    await listPostbacks(ctx.db, [inFlight]);
    await countStoredPostbacks(ctx.db, [inFlight]);
    const differences = await dayCheckedDifferences(ctx, { nowMs: NOW, settle: async () => void (await ctx.db.collection('postbacks').insertOne(inFlight as never)) });
    expect(differences).toEqual([]);
  });

  it('finds a stored postback of a recent day that was never counted, until it is', async () => {
    const old = postbackAt(NOW - 2 * DAY_MS);
    await addEntries(ctx.db, POSTBACK_LIST, [{ scopes: ['all', `adv:${camp.advertiserId}`, `camp:${camp.campaignId}`], ms: old.receivedAt.getTime(), id: old._id }]);
    await ctx.db.collection('postbacks').insertOne(old as never);
    const found = await dayCheckedDifferences(ctx, noPause);
    expect(found.map((d) => [d.key, d.expected - d.actual])).toEqual([
      ['pb|adv:' + camp.advertiserId, 1],
      ['pb|all', 1],
      ['pb|camp:' + camp.campaignId, 1],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    await countStoredPostbacks(ctx.db, [old]);
    expect(await dayCheckedDifferences(ctx, noPause)).toEqual([]);
  });
});
