import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { DAY_MS, dayKey, dayKeyToMs, dayStart } from '../domain/time-buckets';
import { bulkWriteInChunks } from './bulk-write';

/**
 * The read model of the dashboard lists: every page is read through
 * documents addressed by `_id`, never through a query over a collection
 * (which the embedded server answers by decoding the whole collection).
 *
 * - Day buckets (`list_days`, `_id` `<list>|<scope>|<YYYYMMDD>`) hold one flat
 *   string per row, `"<sortKeyMs padded to 13>_<rowId>"`, so a page is put in
 *   order from the buckets alone and only its rows are fetched (by `_id`).
 *   Entries are added before their row is stored (idempotent `$addToSet`): a
 *   crash in between leaves an entry without a row, which readers skip.
 * - Scope documents (`list_scopes`, `_id` `<list>|<scope>`) hold the first and
 *   last day with entries (`$min`/`$max`; where a reader starts and stops) and
 *   the counters a list's totals come from.
 *
 * Entries are never removed: a row keeps its sort key for life.
 */
export interface DayBucketDoc {
  _id: string;
  entries: string[];
}

export interface ScopeDoc {
  _id: string;
  first?: string;
  last?: string;
  [counter: string]: unknown;
}

export const listDays = (db: Db) => db.collection<DayBucketDoc>('list_days');
export const listScopes = (db: Db) => db.collection<ScopeDoc>('list_scopes');

export const bucketId = (list: string, scope: string, day: string) => `${list}|${scope}|${day}`;
export const scopeId = (list: string, scope: string) => `${list}|${scope}`;
export const entryOf = (ms: number, id: string) => `${String(ms).padStart(13, '0')}_${id}`;
const entryMs = (position: string) => Number(position.slice(0, 13));
const entryRowId = (entry: string) => entry.slice(14);

const isDuplicateKey = (err: unknown) => {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }> | { code?: number } };
  if (e.code === 11000) return true;
  const w = e.writeErrors;
  return Array.isArray(w) ? w.length > 0 && w.every((x) => x.code === 11000) : w?.code === 11000;
};

/** Runs an idempotent upsert again once: two first upserts of one `_id` race on MongoDB, and the loser finds the document now. */
async function upsertRetrying(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await write();
  }
}

/** Spans this process has stored already: `$min`/`$max` only move outward, so a day inside one needs no write. */
const knownSpans = new WeakMap<Db, Map<string, { first: string; last: string }>>();

function spanOps(db: Db, list: string, scopes: string[], day: string, force: boolean): AnyBulkWriteOperation<ScopeDoc>[] {
  const known = knownSpans.get(db);
  return scopes
    .filter((s) => {
      const k = known?.get(scopeId(list, s));
      return force || !k || day < k.first || day > k.last;
    })
    .map((s) => ({ updateOne: { filter: { _id: scopeId(list, s) }, update: { $min: { first: day }, $max: { last: day } }, upsert: true } }));
}

function rememberSpans(db: Db, list: string, scopes: string[], day: string): void {
  let known = knownSpans.get(db);
  if (!known) knownSpans.set(db, (known = new Map()));
  if (known.size > 50_000) known.clear();
  for (const s of scopes) {
    const k = known.get(scopeId(list, s));
    known.set(scopeId(list, s), { first: k && k.first < day ? k.first : day, last: k && k.last > day ? k.last : day });
  }
}

/** Lists one row in each of its scopes' day buckets (before the row is stored). */
export async function addEntry(db: Db, list: string, scopes: string[], ms: number, id: string): Promise<void> {
  const day = dayKey(ms);
  const entry = entryOf(ms, id);
  const spans = spanOps(db, list, scopes, day, false);
  const buckets: AnyBulkWriteOperation<DayBucketDoc>[] = scopes.map((s) => ({
    updateOne: { filter: { _id: bucketId(list, s, day) }, update: { $addToSet: { entries: entry } }, upsert: true },
  }));
  await Promise.all([upsertRetrying(() => listDays(db).bulkWrite(buckets, { ordered: false })), spans.length ? upsertRetrying(() => listScopes(db).bulkWrite(spans, { ordered: false })) : null]);
  rememberSpans(db, list, scopes, day);
}

/**
 * Lists a row like addEntry and counts it (`counter` +1 in each scope
 * document) exactly once however often it runs: whether the row is new is
 * decided by a conditional `$push` into the first scope's bucket, which only
 * one run can make. A crash between that push and the counters loses one
 * count (a retry finds the entry and does not count again).
 */
export async function addCountedEntry(db: Db, list: string, scopes: string[], ms: number, id: string, counter: string): Promise<boolean> {
  const day = dayKey(ms);
  const entry = entryOf(ms, id);
  const [head, ...rest] = scopes as [string, ...string[]];
  const claim = async () => {
    const r = await listDays(db).updateOne({ _id: bucketId(list, head, day), entries: { $ne: entry } }, { $push: { entries: entry } }, { upsert: true });
    return r.modifiedCount + r.upsertedCount > 0;
  };
  let isNew: boolean;
  try {
    isNew = await claim();
  } catch (err) {
    // The bucket holds the entry already (the upsert collided with it), or a concurrent first upsert of the bucket won.
    if (!isDuplicateKey(err)) throw err;
    const bucket = await listDays(db).findOne({ _id: bucketId(list, head, day) });
    isNew = bucket?.entries.includes(entry) ? false : await claim();
  }
  const buckets: AnyBulkWriteOperation<DayBucketDoc>[] = rest.map((s) => ({
    updateOne: { filter: { _id: bucketId(list, s, day) }, update: { $addToSet: { entries: entry } }, upsert: true },
  }));
  const scopeOps: AnyBulkWriteOperation<ScopeDoc>[] = isNew
    ? scopes.map((s) => ({ updateOne: { filter: { _id: scopeId(list, s) }, update: { $inc: { [counter]: 1 } as never, $min: { first: day }, $max: { last: day } }, upsert: true } }))
    : spanOps(db, list, scopes, day, false);
  await Promise.all([
    buckets.length ? upsertRetrying(() => listDays(db).bulkWrite(buckets, { ordered: false })) : null,
    scopeOps.length ? upsertRetrying(() => listScopes(db).bulkWrite(scopeOps, { ordered: false })) : null,
  ]);
  rememberSpans(db, list, scopes, day);
  return isNew;
}

export interface BulkEntry {
  scopes: string[];
  ms: number;
  id: string;
}

/** Lists many rows at once (seed, test data, backfill): one `$addToSet $each` per bucket, one span update per scope. */
export async function addEntries(db: Db, list: string, rows: BulkEntry[]): Promise<void> {
  const byBucket = new Map<string, string[]>();
  const spans = new Map<string, { first: string; last: string }>();
  for (const r of rows) {
    const day = dayKey(r.ms);
    for (const s of r.scopes) {
      const b = bucketId(list, s, day);
      let entries = byBucket.get(b);
      if (!entries) byBucket.set(b, (entries = []));
      entries.push(entryOf(r.ms, r.id));
      const sp = spans.get(s);
      spans.set(s, { first: sp && sp.first < day ? sp.first : day, last: sp && sp.last > day ? sp.last : day });
    }
  }
  await bulkWriteInChunks(
    listDays(db),
    [...byBucket].map(([_id, entries]) => ({ updateOne: { filter: { _id }, update: { $addToSet: { entries: { $each: entries } } }, upsert: true } })),
  );
  await bulkWriteInChunks(
    listScopes(db),
    [...spans].map(([s, sp]) => ({ updateOne: { filter: { _id: scopeId(list, s) }, update: { $min: { first: sp.first }, $max: { last: sp.last } }, upsert: true } })),
  );
}

/** Adds to counters of scope documents: `deltas` maps a scope to its `{ counter: n }`. */
export async function incCounters(db: Db, list: string, deltas: Map<string, Record<string, number>>): Promise<void> {
  const ops: AnyBulkWriteOperation<ScopeDoc>[] = [];
  for (const [scope, inc] of deltas) {
    const nonZero = Object.fromEntries(Object.entries(inc).filter(([, n]) => n !== 0));
    if (Object.keys(nonZero).length) ops.push({ updateOne: { filter: { _id: scopeId(list, scope) }, update: { $inc: nonZero as never }, upsert: true } });
  }
  if (ops.length) await upsertRetrying(() => bulkWriteInChunks(listScopes(db), ops));
}

/** Sets counters outright (a backfill that counted the rows itself). */
export async function setCounters(db: Db, list: string, values: Map<string, Record<string, number>>): Promise<void> {
  await bulkWriteInChunks(
    listScopes(db),
    [...values].map(([scope, set]) => ({ updateOne: { filter: { _id: scopeId(list, scope) }, update: { $set: set }, upsert: true } })),
  );
}

export const readScope = (db: Db, list: string, scope: string) => listScopes(db).findOne({ _id: scopeId(list, scope) });

/* ---------- cursors ---------- */

/** A sort key, then the row id (ids of every listed collection: hex ids, payout lines' `<payoutId>:clicks|<day>|…`), or `~` (a day's end). */
const POSITION = /^\d{13}(?:_[0-9A-Za-z:|.-]{1,160}|~)?$/;

/** The opaque `cursor` of a list: where the last page stopped (a position in sort-key order). */
export const encodeCursor = (position: string) => Buffer.from(`1:${position}`, 'utf8').toString('base64url');

/** The position of a cursor, or null if it is not one this server made. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('1:')) return null;
  const position = text.slice(2);
  return POSITION.test(position) ? position : null;
}

/* ---------- reading a page ---------- */

/** Day buckets one request may read before it answers with what it has and a cursor to go on. */
export const MAX_DAYS_PER_PAGE = 62;
/** Rows one request may fetch (beyond the page: rows a filter discards, entries whose row is missing). */
export const MAX_FETCHES_PER_PAGE = 500;
const DAY_BATCH = 8;
const FETCH_CONCURRENCY = 64;

export interface PageRequest<T> {
  list: string;
  scope: string;
  order: 'asc' | 'desc';
  limit: number;
  /** A decoded cursor: rows strictly after this position (in `order`). */
  after: string | null;
  /** Sort-key bounds, `fromMs` ≤ key < `toMs`. */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  fetch(id: string): Promise<T | null>;
  /** Whether a fetched row belongs on the page (filters the buckets' scope does not apply). */
  accept(row: T): boolean;
}

export interface Page<T> {
  rows: T[];
  /** Where to go on, or null when every row of the range was examined. */
  next: string | null;
}

/**
 * One page of a list in sort-key order: the scope's day buckets from the
 * cursor on (in parallel batches, at most MAX_DAYS_PER_PAGE), their entries in
 * order, rows fetched by `_id` (parallel findOne, never `$in`) until `limit`
 * rows are accepted or MAX_FETCHES_PER_PAGE are spent. A page cut short by a
 * budget still carries a cursor, so the caller can go on.
 */
export async function readPage<T>(db: Db, req: PageRequest<T>): Promise<Page<T>> {
  const scope = await readScope(db, req.list, req.scope);
  if (!scope?.first || !scope.last) return { rows: [], next: null };
  const desc = req.order === 'desc';
  let lo = scope.first;
  let hi = scope.last;
  if (req.fromMs !== undefined && dayKey(req.fromMs) > lo) lo = dayKey(req.fromMs);
  if (req.toMs !== undefined && dayKey(req.toMs - 1) < hi) hi = dayKey(req.toMs - 1);
  if (req.after !== null) {
    const d = dayKey(entryMs(req.after));
    if (desc && d < hi) hi = d;
    if (!desc && d > lo) lo = d;
  }
  if (lo > hi) return { rows: [], next: null };

  const days: string[] = [];
  for (let t = dayKeyToMs(desc ? hi : lo); days.length < MAX_DAYS_PER_PAGE; t += desc ? -DAY_MS : DAY_MS) {
    const d = dayKey(t);
    if (desc ? d < lo : d > hi) break;
    days.push(d);
  }
  const moreDays = days.length === MAX_DAYS_PER_PAGE && days[days.length - 1] !== (desc ? lo : hi);

  const inRange = (e: string) => {
    if (req.after !== null && (desc ? e >= req.after : e <= req.after)) return false;
    const ms = entryMs(e);
    return (req.fromMs === undefined || ms >= req.fromMs) && (req.toMs === undefined || ms < req.toMs);
  };

  const rows: T[] = [];
  let fetched = 0;
  for (let i = 0; i < days.length; i += DAY_BATCH) {
    const batch = days.slice(i, i + DAY_BATCH);
    const docs = await Promise.all(batch.map((d) => listDays(db).findOne({ _id: bucketId(req.list, req.scope, d) })));
    const entries = docs.flatMap((b) => b?.entries ?? []).filter(inRange);
    entries.sort();
    if (desc) entries.reverse();
    for (let j = 0; j < entries.length; ) {
      // As many as the page still needs, scaled by how many a filter has discarded so far.
      const need = Math.ceil(((req.limit - rows.length) * Math.max(fetched, 1)) / Math.max(rows.length, fetched === 0 ? 1 : 0.5));
      const want = Math.min(FETCH_CONCURRENCY, need, MAX_FETCHES_PER_PAGE - fetched);
      const chunk = entries.slice(j, j + want);
      const found = await Promise.all(chunk.map((e) => req.fetch(entryRowId(e))));
      fetched += chunk.length;
      for (let k = 0; k < chunk.length; k++) {
        const row = found[k];
        if (row !== null && row !== undefined && req.accept(row)) rows.push(row);
        const last = j + k === entries.length - 1 && i + DAY_BATCH >= days.length && !moreDays;
        if (rows.length === req.limit || (fetched >= MAX_FETCHES_PER_PAGE && k === chunk.length - 1)) {
          return { rows, next: last ? null : chunk[k]! };
        }
      }
      j += chunk.length;
    }
  }
  if (!moreDays) return { rows, next: null };
  // Stopped at the day budget: continue with the days after the last one read.
  const lastDayMs = dayKeyToMs(days[days.length - 1]!);
  return { rows, next: desc ? String(lastDayMs).padStart(13, '0') : `${String(dayStart(lastDayMs) + DAY_MS - 1).padStart(13, '0')}~` };
}

/* ---------- one-time backfills ---------- */

const backfills = new WeakMap<Db, Map<string, Promise<void>>>();

/**
 * Runs `fill` once per database for `name` (recorded in `migrations`), so rows
 * stored before a list had buckets are listed too. Concurrent callers in one
 * process share the run; a failed run is tried again by the next caller.
 */
export function backfillOnce(db: Db, name: string, fill: () => Promise<void>): Promise<void> {
  let byName = backfills.get(db);
  if (!byName) backfills.set(db, (byName = new Map()));
  let p = byName.get(name);
  if (!p) {
    p = (async () => {
      const migrations = db.collection<{ _id: string; at: Date }>('migrations');
      if (await migrations.findOne({ _id: name })) return;
      await fill();
      await migrations.updateOne({ _id: name }, { $set: { at: new Date() } }, { upsert: true });
    })();
    p.catch(() => byName.delete(name));
    byName.set(name, p);
  }
  return p;
}
