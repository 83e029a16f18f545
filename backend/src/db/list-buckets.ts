import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { AppContext } from '../context';
import { DAY_MS, dayKey, dayKeyToMs, dayStart } from '../domain/time-buckets';
import { bulkWriteInChunks } from './bulk-write';
import { isDuplicateKey, upsertRetrying } from './duplicate-key';
import { GroupCommit, perContext } from './group-commit';
import { insertNew } from './insert-new';

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
 * - Busy lists (postbacks, conversions: a write per row from the worker) do
 *   not grow one document per day: FerretDB rewrites a whole document on every
 *   update, so each write would cost the day's entries so far. Their entries
 *   go to chunk documents of at most CHUNK_MAX entries (`<bucket>|<seq>`, seq
 *   from 1), and the day bucket (the head) records the highest seq in use
 *   (`chunks`, raised by `$max` before a chunk is first written, so a reader
 *   that reads the head, then chunks 1 to `chunks`, misses no entry). A head
 *   may hold `entries` of its own too (written before chunks existed, or in
 *   bulk by the seed and backfills); readers take both (readDayEntries). A
 *   retry may append an entry again to a later chunk: readers drop repeats.
 *
 * Entries are never removed from chunks: a chunked list's row keeps its sort
 * key for life (lists that remove entries, payouts and job runs, are not chunked).
 */
export interface DayBucketDoc {
  _id: string;
  entries?: string[];
  /** Head of a chunked bucket: the highest chunk seq in use. */
  chunks?: number;
  /** Chunk: how many entries it holds. */
  n?: number;
}

/** Entries per chunk: an update rewrites at most this many (a few KB), whatever the day's volume. */
export const CHUNK_MAX = 200;
export const chunkId = (bucket: string, seq: number) => `${bucket}|${seq}`;

export interface ScopeDoc {
  _id: string;
  first?: string;
  last?: string;
  [counter: string]: unknown;
}

/** Counters per scope (`scope` → `{ counter: n }`). */
export type ScopeCounts = Map<string, Record<string, number>>;

/**
 * A list whose scope documents carry counters, and what they should hold
 * according to its rows: one scan of its collection, shared by its one-time
 * backfill and by reconciliation (which may scan).
 */
export interface CountedList {
  list: string;
  counters: readonly string[];
  countRows(ctx: AppContext): Promise<ScopeCounts>;
  /** Its one-time backfill: before it ran, the rows have no counters to compare. */
  backfill(db: Db): Promise<void>;
}

const SCAN_BATCH = 5_000;

/** Counts a scan batch by batch with `countsOf` (adding up), so a large collection is never held in memory at once. */
export async function countScan<T>(docs: AsyncIterable<T>, countsOf: (batch: T[]) => ScopeCounts): Promise<ScopeCounts> {
  const total: ScopeCounts = new Map();
  const add = (batch: T[]) => {
    for (const [scope, c] of countsOf(batch)) {
      const t = total.get(scope) ?? {};
      for (const [k, n] of Object.entries(c)) t[k] = (t[k] ?? 0) + n;
      total.set(scope, t);
    }
  };
  let batch: T[] = [];
  for await (const d of docs) {
    batch.push(d);
    if (batch.length === SCAN_BATCH) {
      add(batch);
      batch = [];
    }
  }
  add(batch);
  return total;
}

export const listDays = (db: Db) => db.collection<DayBucketDoc>('list_days');
export const listScopes = (db: Db) => db.collection<ScopeDoc>('list_scopes');

export const bucketId = (list: string, scope: string, day: string) => `${list}|${scope}|${day}`;
export const scopeId = (list: string, scope: string) => `${list}|${scope}`;
export const entryOf = (ms: number, id: string) => `${String(ms).padStart(13, '0')}_${id}`;
const entryMs = (position: string) => Number(position.slice(0, 13));
export const entryRowId = (entry: string) => entry.slice(14);

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

/** One scope document's update (its `_id`, and operators only). */
type ScopeUpdate = { updateOne: { filter: { _id: string }; update: object; upsert?: boolean } };

/** Scope documents this process has written: they exist, so counters can go to them in a bulk that cannot collide. */
const knownScopeDocs = new WeakMap<Db, Set<string>>();

/**
 * Writes scope updates that add to counters (`$inc`). Retrying a whole bulk
 * after a duplicate key (two processes creating one scope document at once)
 * would add again the increments that had landed; so the scope documents this
 * process has not written yet are created first, one idempotent insert each
 * (a duplicate means another process made it), and the counters then go in
 * one bulk that no longer creates anything. Upserts stay on: a document
 * removed meanwhile is made again rather than losing its count.
 */
async function writeCounterOps(db: Db, ops: ScopeUpdate[]): Promise<void> {
  let known = knownScopeDocs.get(db);
  if (!known) knownScopeDocs.set(db, (known = new Set()));
  const fresh = ops.map((o) => o.updateOne.filter._id).filter((id) => !known.has(id));
  await Promise.all(fresh.map((_id) => listScopes(db).insertOne({ _id }).catch((err: unknown) => void (isDuplicateKey(err) || Promise.reject(err)))));
  await bulkWriteInChunks(listScopes(db), ops.map((o) => ({ updateOne: { ...o.updateOne, upsert: true } })) as AnyBulkWriteOperation<ScopeDoc>[]);
  if (known.size > 50_000) known.clear();
  for (const id of fresh) known.add(id);
}

interface EntryItem {
  list: string;
  scopes: string[];
  ms: number;
  id: string;
  /** Appended to chunks (see above) instead of the day bucket itself. */
  chunked?: boolean;
}

/** The chunk each bucket's next entries go to, as far as this process knows (a full one sends it to the next). */
const currentChunks = new WeakMap<Db, Map<string, number>>();

/**
 * Appends entries to a bucket's chunks: one conditional `$push` into the
 * current chunk while it has room (`n` ≤ CHUNK_MAX − k), else (the upsert
 * then collides with the full chunk's `_id`) the next one, whose seq the
 * head records first. The first write of a bucket in this process reads its
 * head to learn the current chunk. One command per bucket: FerretDB stops an
 * unordered bulk update at its first duplicate key and reports it at the
 * wrong index, so the buckets cannot share one.
 */
async function appendChunked(db: Db, bucket: string, entries: string[]): Promise<void> {
  let known = currentChunks.get(db);
  if (!known) currentChunks.set(db, (known = new Map()));
  let seq = known.get(bucket) ?? (await listDays(db).findOne({ _id: bucket }, { projection: { chunks: 1 } }))?.chunks ?? 0;
  let recorded = seq;
  for (let i = 0; i < entries.length; ) {
    const part = entries.slice(i, i + CHUNK_MAX);
    seq = Math.max(seq, 1);
    if (seq > recorded) {
      const upTo = seq;
      await upsertRetrying(() => listDays(db).updateOne({ _id: bucket }, { $max: { chunks: upTo } }, { upsert: true }));
      recorded = seq;
    }
    try {
      await listDays(db).updateOne({ _id: chunkId(bucket, seq), n: { $lte: CHUNK_MAX - part.length } }, { $push: { entries: { $each: part } }, $inc: { n: part.length } }, { upsert: true });
      i += part.length;
    } catch (err) {
      // Full (or just created by another process, which may fill it): the next chunk.
      if (!isDuplicateKey(err)) throw err;
      seq++;
    }
  }
  if (known.size > 10_000) known.clear();
  known.set(bucket, seq);
}

/** Entries by bucket, unique within each. */
function entriesByBucket(items: EntryItem[], scopesOf: (i: EntryItem) => string[]): Map<string, Set<string>> {
  const byBucket = new Map<string, Set<string>>();
  for (const it of items) {
    const day = dayKey(it.ms);
    for (const s of scopesOf(it)) {
      const b = bucketId(it.list, s, day);
      let set = byBucket.get(b);
      if (!set) byBucket.set(b, (set = new Set()));
      set.add(entryOf(it.ms, it.id));
    }
  }
  return byBucket;
}

/** The bucket writes of items listed together: chunked ones appended per bucket, the others one `$addToSet $each` per bucket. */
async function writeBuckets(db: Db, items: EntryItem[], scopesOf: (i: EntryItem) => string[]): Promise<void> {
  const chunked = entriesByBucket(items.filter((i) => i.chunked), scopesOf);
  const plain = mergedBucketOps(items.filter((i) => !i.chunked), scopesOf);
  await Promise.all([
    ...[...chunked].map(([b, entries]) => appendChunked(db, b, [...entries])),
    plain.length ? upsertRetrying(() => bulkWriteInChunks(listDays(db), plain)) : null,
  ]);
}

interface CountedItem extends EntryItem {
  counter: string;
}

/**
 * Bucket writes of rows listed at the same time (a burst of postbacks) go as
 * one `$addToSet $each` per bucket: FerretDB rewrites a whole document on each
 * update, so one update per row would cost a day's bucket per row.
 */
const MAX_GROUP = 200;

function mergedBucketOps(items: EntryItem[], scopesOf: (i: EntryItem) => string[]): AnyBulkWriteOperation<DayBucketDoc>[] {
  return [...entriesByBucket(items, scopesOf)].map(([_id, entries]) => ({ updateOne: { filter: { _id }, update: { $addToSet: { entries: { $each: [...entries] } } }, upsert: true } }));
}

/** One update per scope document: the span of the days listed, and the count of rows new to the list. */
function mergedScopeOps(items: Array<EntryItem & { counter?: string; isNew?: boolean }>): ScopeUpdate[] {
  const byScope = new Map<string, { first: string; last: string; inc: Record<string, number> }>();
  for (const it of items) {
    const day = dayKey(it.ms);
    for (const s of it.scopes) {
      const id = scopeId(it.list, s);
      const cur = byScope.get(id) ?? { first: day, last: day, inc: {} };
      cur.first = cur.first < day ? cur.first : day;
      cur.last = cur.last > day ? cur.last : day;
      if (it.isNew && it.counter) cur.inc[it.counter] = (cur.inc[it.counter] ?? 0) + 1;
      byScope.set(id, cur);
    }
  }
  return [...byScope].map(([_id, v]) => ({
    updateOne: { filter: { _id }, update: { ...(Object.keys(v.inc).length ? { $inc: v.inc } : {}), $min: { first: v.first }, $max: { last: v.last } }, upsert: true },
  }));
}

async function writeEntries(db: Db, items: EntryItem[]): Promise<void> {
  const spans = items.filter((it) => spanOps(db, it.list, it.scopes, dayKey(it.ms), false).length > 0);
  const scopeOps = mergedScopeOps(spans);
  // Spans only ($min/$max, no counter): a whole retry after a duplicate key changes nothing twice.
  await Promise.all([writeBuckets(db, items, (i) => i.scopes), scopeOps.length ? upsertRetrying(() => bulkWriteInChunks(listScopes(db), scopeOps)) : null]);
  for (const it of items) rememberSpans(db, it.list, it.scopes, dayKey(it.ms));
}

const entryGroups = perContext((db: Db) => new GroupCommit<EntryItem, true>(async (items) => (await writeEntries(db, items), items.map(() => true as const)), MAX_GROUP));

/** Lists one row in each of its scopes' day buckets (before the row is stored); `chunked` for busy lists (see above). */
export async function addEntry(db: Db, list: string, scopes: string[], ms: number, id: string, opts: { chunked?: boolean } = {}): Promise<void> {
  await entryGroups(db).add({ list, scopes, ms, id, chunked: opts.chunked === true });
}

/**
 * Rows counted in a list: one small document per row (`_id` `<list>|<rowId>`),
 * inserted once, so whether a row is new to its list is an insert that fails
 * on `_id` (the chunks a row's entry goes to cannot tell: a retry may append
 * it to another one).
 */
export const listCounted = (db: Db) => db.collection<{ _id: string }>('list_counted');

/** Entries of head buckets written before rows were counted by marker, per bucket (read once per process). */
const legacyHeads = new WeakMap<Db, Map<string, Promise<Set<string>>>>();

function legacyEntries(db: Db, bucket: string): Promise<Set<string>> {
  let heads = legacyHeads.get(db);
  if (!heads) legacyHeads.set(db, (heads = new Map()));
  let p = heads.get(bucket);
  if (!p) {
    if (heads.size > 1_000) heads.clear();
    p = listDays(db)
      .findOne({ _id: bucket }, { projection: { entries: 1 } })
      .then((b) => new Set(b?.entries ?? []));
    p.catch(() => heads.delete(bucket));
    heads.set(bucket, p);
  }
  return p;
}

/**
 * Which rows are new to their list: their marker insert is the one that
 * landed (rows listed together share one insert), and the row is not among
 * the entries its head bucket held before markers existed.
 */
async function claimRows(db: Db, items: CountedItem[]): Promise<boolean[]> {
  const { existing } = await insertNew(listCounted(db), items.map((it) => ({ _id: `${it.list}|${it.id}` })));
  const taken = new Set(existing);
  return Promise.all(
    items.map(async (it, k) => !taken.has(k) && !(await legacyEntries(db, bucketId(it.list, it.scopes[0] as string, dayKey(it.ms)))).has(entryOf(it.ms, it.id))),
  );
}

async function writeCounted(db: Db, items: CountedItem[]): Promise<boolean[]> {
  const isNew = await claimRows(db, items);
  const scopeOps = mergedScopeOps(items.map((it, k) => ({ ...it, isNew: isNew[k] })));
  await Promise.all([writeBuckets(db, items, (i) => i.scopes), scopeOps.length ? writeCounterOps(db, scopeOps) : null]);
  for (const it of items) rememberSpans(db, it.list, it.scopes, dayKey(it.ms));
  return isNew;
}

const countedGroups = perContext((db: Db) => new GroupCommit<CountedItem, boolean>((items) => writeCounted(db, items), MAX_GROUP));

/**
 * Lists a row like addEntry (chunked) and counts it (`counter` +1 in each
 * scope document) exactly once however often it runs: whether the row is new
 * is decided by inserting its marker (listCounted), which only one run can
 * do (rows listed together share one insert). A crash between that insert and
 * the counters loses one count (a retry finds the marker and does not count again).
 */
export async function addCountedEntry(db: Db, list: string, scopes: string[], ms: number, id: string, counter: string): Promise<boolean> {
  return countedGroups(db).add({ list, scopes, ms, id, counter, chunked: true });
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
  const ops: ScopeUpdate[] = [];
  for (const [scope, inc] of deltas) {
    const nonZero = Object.fromEntries(Object.entries(inc).filter(([, n]) => n !== 0));
    if (Object.keys(nonZero).length) ops.push({ updateOne: { filter: { _id: scopeId(list, scope) }, update: { $inc: nonZero } } });
  }
  if (ops.length) await writeCounterOps(db, ops);
}

/** Sets counters outright (a backfill that counted the rows itself). */
export async function setCounters(db: Db, list: string, values: Map<string, Record<string, number>>): Promise<void> {
  await bulkWriteInChunks(
    listScopes(db),
    [...values].map(([scope, set]) => ({ updateOne: { filter: { _id: scopeId(list, scope) }, update: { $set: set }, upsert: true } })),
  );
}

export const readScope = (db: Db, list: string, scope: string) => listScopes(db).findOne({ _id: scopeId(list, scope) });

const CHUNK_READS = 64;

/**
 * A day's entries of one scope, in no order and each once: its bucket by
 * `_id`, then the bucket's chunks by `_id` (parallel findOne). Bounded, like
 * the bucket before chunks, by the scope's rows of that day.
 */
export async function readDayEntries(db: Db, list: string, scope: string, day: string): Promise<string[]> {
  const head = await listDays(db).findOne({ _id: bucketId(list, scope, day) });
  if (!head) return [];
  const out = new Set(head.entries ?? []);
  const seqs = Array.from({ length: head.chunks ?? 0 }, (_, i) => i + 1);
  for (let i = 0; i < seqs.length; i += CHUNK_READS) {
    const chunks = await Promise.all(seqs.slice(i, i + CHUNK_READS).map((seq) => listDays(db).findOne({ _id: chunkId(head._id, seq) })));
    for (const c of chunks) for (const e of c?.entries ?? []) out.add(e);
  }
  return [...out];
}

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
    const perDay = await Promise.all(batch.map((d) => readDayEntries(db, req.list, req.scope, d)));
    const entries = perDay.flat().filter(inRange);
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
