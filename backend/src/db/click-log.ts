import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { clickIdTime } from '../domain/click-id';
import { HOUR_MS } from '../domain/time-buckets';
import { bulkWriteInChunks } from './bulk-write';
import { partitionDay, partitionKey, partitionStart, type ClickDoc } from './raw-events';

/**
 * The click log's read model: per campaign and per affiliate, the ids of
 * their recent clicks in hour buckets, so a page of the log is a few reads by
 * `_id` (the hour partitions of raw clicks can only be scanned whole).
 *
 * - `click_log_<YYYYMMDD>` (one collection per UTC day, dropped with that
 *   day's raw clicks): `_id` `<scope>|<HH>`, `ids` the hour's click ids in
 *   arrival order, at most the last `CLICK_LOG_PER_HOUR` (a bounded document:
 *   the embedded server rewrites a whole document on every update).
 * - `click_log_scopes`: `_id` `<scope>`, `hours` (`YYYYMMDDHH`) that have a bucket,
 *   added once per scope and hour by each process.
 *
 * Written by the click worker after the clicks are stored; a retried batch
 * pushes its ids again, so readers drop repeats.
 */
export const CLICK_LOG_PER_HOUR = 1000;

export type ClickLogScope = { kind: 'c' | 'a'; id: string };

interface BucketDoc {
  _id: string;
  ids: string[];
}
interface ScopeHoursDoc {
  _id: string;
  hours: string[];
}

export const CLICK_LOG_PREFIX = 'click_log_';
const dayCollection = (db: Db, day: string) => db.collection<BucketDoc>(`${CLICK_LOG_PREFIX}${day}`);
const scopeHours = (db: Db) => db.collection<ScopeHoursDoc>('click_log_scopes');
const scopeKey = (s: ClickLogScope) => `${s.kind}:${s.id}`;
const bucketId = (scope: string, partition: string) => `${scope}|${partition.slice(8, 10)}`;

/** Scope hours this process has recorded already: one `$addToSet` per scope and hour, not one per batch. */
const knownHours = new WeakMap<Db, Set<string>>();

export async function recordClickLog(db: Db, docs: ClickDoc[]): Promise<void> {
  const buckets = new Map<string, { day: string; id: string; ids: string[] }>();
  const newHours = new Map<string, string[]>();
  let known = knownHours.get(db);
  if (!known) knownHours.set(db, (known = new Set()));
  if (known.size > 100_000) known.clear();
  for (const d of docs) {
    const partition = partitionKey(d.ts.getTime());
    for (const scope of [scopeKey({ kind: 'c', id: d.campaignId }), scopeKey({ kind: 'a', id: d.affiliateId })]) {
      const key = `${partition}|${scope}`;
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { day: partitionDay(partition), id: bucketId(scope, partition), ids: [] }));
      b.ids.push(d._id);
      if (!known.has(key)) newHours.set(scope, [...(newHours.get(scope) ?? []), partition]);
    }
  }
  const byDay = new Map<string, AnyBulkWriteOperation<BucketDoc>[]>();
  for (const b of buckets.values()) {
    const op: AnyBulkWriteOperation<BucketDoc> = { updateOne: { filter: { _id: b.id }, update: { $push: { ids: { $each: b.ids.sort(), $slice: -CLICK_LOG_PER_HOUR } } }, upsert: true } };
    byDay.set(b.day, [...(byDay.get(b.day) ?? []), op]);
  }
  const hourOps: AnyBulkWriteOperation<ScopeHoursDoc>[] = [...newHours].map(([scope, hours]) => ({
    updateOne: { filter: { _id: scope }, update: { $addToSet: { hours: { $each: [...new Set(hours)] } } }, upsert: true },
  }));
  await Promise.all([...[...byDay].map(([day, ops]) => bulkWriteInChunks(dayCollection(db, day), ops)), bulkWriteInChunks(scopeHours(db), hourOps)]);
  for (const [scope, hours] of newHours) for (const h of hours) known.add(`${h}|${scope}`);
}

/** The most hour buckets one page reads: a page stays a bounded number of reads however sparse the scope. */
const MAX_BUCKETS_PER_PAGE = 48;

/**
 * Up to `limit` click ids of a scope, newest first, older than `before` (a
 * click id: the keyset cursor) and not older than `oldestHour` (raw events
 * retention). `next` is the cursor of the following page, null at the end.
 */
export async function readClickLog(db: Db, scope: ClickLogScope, o: { before?: string; limit: number; oldestHour: string }): Promise<{ ids: string[]; next: string | null }> {
  const beforeMs = o.before ? clickIdTime(o.before) : null;
  const upTo = beforeMs === null ? null : partitionKey(beforeMs);
  const doc = await scopeHours(db).findOne({ _id: scopeKey(scope) });
  const hours = [...new Set(doc?.hours ?? [])].filter((h) => h >= o.oldestHour && (upTo === null || h <= upTo)).sort().reverse();
  const ids: string[] = [];
  let read = 0;
  for (const h of hours) {
    if (ids.length > o.limit) break;
    // Out of reads for this page: the next one starts again at this hour, still unread (a cursor just past its end).
    if (read === MAX_BUCKETS_PER_PAGE) return { ids, next: ids.at(-1) ?? `${(partitionStart(h) + HOUR_MS).toString(16).padStart(12, '0')}${'0'.repeat(20)}` };
    read++;
    const bucket = await dayCollection(db, partitionDay(h)).findOne({ _id: bucketId(scopeKey(scope), h) });
    const inHour = [...new Set(bucket?.ids ?? [])].filter((id) => !o.before || id < o.before).sort().reverse();
    ids.push(...inHour);
  }
  const page = ids.slice(0, o.limit);
  return { ids: page, next: ids.length > o.limit ? page[page.length - 1]! : null };
}

/** Drops the click log buckets of a UTC day (with its raw clicks). */
export async function dropClickLogDay(db: Db, day: string): Promise<void> {
  await dayCollection(db, day)
    .drop()
    .catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceNotFound') throw err;
    });
}
