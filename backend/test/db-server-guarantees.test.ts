import type { IndexDescription } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { createTestContext, destroyTestContext } from './helpers/context';

/**
 * What Offerly relies on from the MongoDB-wire server. Caps, budgets and
 * status transitions need each single-document update applied atomically;
 * this holds on MongoDB, and on FerretDB with the fixes in
 * services/ferretdb-build.ts.
 */
let ctx: AppContext;
beforeAll(async () => { ctx = await createTestContext(); });
afterAll(async () => { await destroyTestContext(ctx); });

describe('single-document atomicity of the MongoDB-wire server', () => {
  it('loses no concurrent $inc', async () => {
    const col = ctx.db.collection<{ _id: string; n: number }>('atomic_inc');
    await col.insertOne({ _id: 'a', n: 0 });
    await Promise.all(Array.from({ length: 50 }, () => col.updateOne({ _id: 'a' }, { $inc: { n: 1 } })));
    expect((await col.findOne({ _id: 'a' }))?.n).toBe(50);
  });

  it('lets exactly as many conditional updates through as the condition allows', async () => {
    const col = ctx.db.collection<{ _id: string; n: number }>('atomic_gate');
    await col.insertOne({ _id: 'a', n: 0 });
    const res = await Promise.all(Array.from({ length: 50 }, () => col.updateOne({ _id: 'a', n: { $lt: 10 } }, { $inc: { n: 1 } })));
    expect(res.filter((r) => r.modifiedCount === 1)).toHaveLength(10);
    expect((await col.findOne({ _id: 'a' }))?.n).toBe(10);
  });

  it('lets one of two concurrent compare-and-set updates win', async () => {
    const col = ctx.db.collection<{ _id: string; s: string }>('atomic_cas');
    await col.insertOne({ _id: 'a', s: 'pending' });
    const res = await Promise.all(['approved', 'rejected', 'approved', 'rejected'].map((to) => col.findOneAndUpdate({ _id: 'a', s: 'pending' }, { $set: { s: to } })));
    expect(res.filter((r) => r !== null)).toHaveLength(1);
  });

  it('creates indexes that exist already without failing (a second process opening a click partition)', async () => {
    const col = ctx.db.collection('clicks_20000101');
    const specs: IndexDescription[] = [{ key: { hour: 1, campaignId: 1 } }, { key: { campaignId: 1, hour: 1 } }, { key: { affiliateId: 1, hour: 1 } }];
    await Promise.all(Array.from({ length: 20 }, () => col.createIndexes(specs)));
    await col.createIndexes(specs);
    expect((await col.listIndexes().toArray()).length).toBe(4);
  });
});
