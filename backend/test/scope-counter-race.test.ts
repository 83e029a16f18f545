import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppContext } from '../src/context';
import { incCounters, listScopes, scopeId } from '../src/db/list-buckets';
import { createTestContext, destroyTestContext } from './helpers/context';

let ctx: AppContext;
let other: MongoClient;
let otherDb: Db;
const LIST = 'race_test';
const ROUNDS = 40;

beforeAll(async () => {
  ctx = await createTestContext();
  // A second connection with its own process-level state: another process writing the same counters.
  other = await MongoClient.connect(inject('mongoUrl'));
  otherDb = other.db(ctx.db.databaseName);
});

afterAll(async () => {
  await other?.close();
  await destroyTestContext(ctx);
});

describe('scope counters written by two processes at once', () => {
  it('add every increment exactly once when both create the same new scope document in one write', async () => {
    await incCounters(ctx.db, LIST, new Map([['shared', { n: 1 }]]));
    await incCounters(otherDb, LIST, new Map([['shared', { n: 1 }]]));
    for (let i = 0; i < ROUNDS; i++) {
      // Each round both add to an existing counter and to one neither has seen: their upserts of it race.
      const deltas = new Map([
        ['shared', { n: 1 }],
        [`new-${i}`, { n: 1 }],
      ]);
      await Promise.all([incCounters(ctx.db, LIST, deltas), incCounters(otherDb, LIST, deltas)]);
    }
    const shared = await listScopes(ctx.db).findOne({ _id: scopeId(LIST, 'shared') });
    expect(shared?.n).toBe(2 + 2 * ROUNDS);
    const fresh = await Promise.all(Array.from({ length: ROUNDS }, (_, i) => listScopes(ctx.db).findOne({ _id: scopeId(LIST, `new-${i}`) })));
    expect(fresh.map((d) => d?.n)).toEqual(Array.from({ length: ROUNDS }, () => 2));
  });
});
