import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import {
  addCountedEntry,
  addEntries,
  addEntry,
  bucketId,
  CHUNK_MAX,
  chunkId,
  entryOf,
  listDays,
  readDayEntries,
  readPage,
  readScope,
  type DayBucketDoc,
} from '../src/db/list-buckets';
import { dayKey, dayStart } from '../src/domain/time-buckets';
import { createTestContext, destroyTestContext } from './helpers/context';

let ctx: AppContext;
/** The same database through another handle: its own group commits and caches, as another process has. */
let other: Db;

beforeAll(async () => {
  ctx = await createTestContext();
  other = ctx.conn.getClient().db(ctx.db.databaseName);
});
afterAll(async () => {
  if (ctx) await destroyTestContext(ctx);
});

const DAY0 = dayStart(Date.now());

async function chunksOf(bucket: string): Promise<{ head: DayBucketDoc | null; chunks: DayBucketDoc[] }> {
  const head = await listDays(ctx.db).findOne({ _id: bucket });
  const chunks: DayBucketDoc[] = [];
  for (let seq = 1; ; seq++) {
    const c = await listDays(ctx.db).findOne({ _id: chunkId(bucket, seq) });
    if (!c) break;
    chunks.push(c);
  }
  return { head, chunks };
}

describe('chunked day buckets', () => {
  it('two writers append a busy day in chunks of at most CHUNK_MAX that the head names; a page reads every row once, rows listed before chunks included', async () => {
    const list = 'tchunk';
    const ms = (i: number) => DAY0 + 1000 + i * 7;
    // Rows listed before chunks existed sit in the head bucket itself.
    const legacy = Array.from({ length: 30 }, (_, i) => ({ scopes: ['all'], ms: ms(i), id: newId() }));
    await addEntries(ctx.db, list, legacy);
    const rows = Array.from({ length: 3 * CHUNK_MAX + 17 }, (_, i) => ({ ms: ms(100 + i), id: newId() }));
    // Each row once from either writer, a tenth of them again from the other (a retry elsewhere), all at once.
    await Promise.all(
      rows.flatMap((r, i) => {
        const dbs = i % 10 === 0 ? [ctx.db, other] : [i % 2 ? ctx.db : other];
        return dbs.map((db) => addEntry(db, list, ['all'], r.ms, r.id, { chunked: true }));
      }),
    );

    const bucket = bucketId(list, 'all', dayKey(DAY0));
    const { head, chunks } = await chunksOf(bucket);
    expect(head?.entries).toHaveLength(30);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(rows.length / CHUNK_MAX));
    expect(head?.chunks).toBe(chunks.length);
    for (const c of chunks) {
      expect(c.entries!.length).toBe(c.n);
      expect(c.n).toBeLessThanOrEqual(CHUNK_MAX);
    }
    const all = [...legacy, ...rows].map((r) => entryOf(r.ms, r.id));
    expect((await readDayEntries(ctx.db, list, 'all', dayKey(DAY0))).sort()).toEqual([...all].sort());

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof readPage<string>>> = await readPage<string>(ctx.db, { list, scope: 'all', order: 'desc', limit: 50, after, fetch: async (id) => id, accept: () => true });
      seen.push(...page.rows);
      after = page.next;
    } while (after !== null);
    const byTime = [...legacy, ...rows].sort((a, b) => b.ms - a.ms || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(seen).toEqual(byTime);
  });

  it('counts each row once across concurrent runs on two writers, retries, and rows listed before chunks', async () => {
    const list = 'tcount';
    const rows = Array.from({ length: CHUNK_MAX + 50 }, (_, i) => ({ ms: DAY0 + 5000 + i, id: newId() }));
    // A row listed and counted before markers existed: in its head bucket.
    const old = { ms: DAY0 + 1000, id: newId() };
    await addEntries(ctx.db, list, [{ scopes: ['all', 'camp:x'], ms: old.ms, id: old.id }]);
    const runs = await Promise.all(
      rows.flatMap((r) => [ctx.db, other, ctx.db].map((db) => addCountedEntry(db, list, ['all', 'camp:x'], r.ms, r.id, 'n'))),
    );
    // Each row was new to exactly one of its three runs.
    for (let i = 0; i < rows.length; i++) expect(runs.slice(3 * i, 3 * i + 3).filter(Boolean)).toHaveLength(1);
    // Later reruns (a job retried) and the old row count nothing.
    expect(await addCountedEntry(other, list, ['all', 'camp:x'], rows[0]!.ms, rows[0]!.id, 'n')).toBe(false);
    expect(await addCountedEntry(ctx.db, list, ['all', 'camp:x'], old.ms, old.id, 'n')).toBe(false);
    for (const scope of ['all', 'camp:x']) {
      expect((await readScope(ctx.db, list, scope))?.n).toBe(rows.length);
      const listed = await readDayEntries(ctx.db, list, scope, dayKey(DAY0));
      expect(listed.sort()).toEqual([old, ...rows].map((r) => entryOf(r.ms, r.id)).sort());
    }
  });
});
