import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, Document } from 'mongodb';
import { AUDIT_LIST, recordAudit } from '../audit/audit-log';
import type { AppContext } from '../context';
import { backfillPostbackList, POSTBACK_LIST, postbackScopes } from '../conversions/postback-list';
import { findEachById } from '../db/by-ids';
import { entryRowId, listScopes, readDayEntries, readScope, scopeId } from '../db/list-buckets';
import { DAY_MS, dayKey, dayKeyToMs } from '../domain/time-buckets';
import { diffTallies, type Difference, type Tally } from '../domain/reconcile-diff';
import { backfillDeliveryList, DELIVERY_LIST, deliveryScopes } from '../outbound/delivery-list';

/**
 * The lists whose counter `n` counts their stored rows (postbacks,
 * deliveries, the audit log), checked without a query over their rows: a
 * day's rows are the ids in the day's `all` bucket, read by `_id`, then
 * fetched by `_id` and counted under each scope they belong to. A row's day
 * is its receive / attempt / record time, so a day no write reaches any more
 * (SETTLED_DAYS old) is counted once and added to a running total per list
 * (`list_checks`, `_id` the list); each check counts only the days since.
 * What a check reads is bounded by the rows written since the last one.
 */
export interface DayCheckedList {
  list: string;
  collection: string;
  projection: Document;
  scopesOf(row: Document): string[];
  /** The list's one-time backfill: before it ran, older rows have no bucket entries. */
  backfill?(db: Db): Promise<void>;
}

export const DAY_CHECKED_LISTS: readonly DayCheckedList[] = [
  {
    list: POSTBACK_LIST,
    collection: 'postbacks',
    projection: { campaignId: 1, advertiserId: 1 },
    scopesOf: (r) => postbackScopes({ campaignId: (r.campaignId as string | null) ?? null, advertiserId: (r.advertiserId as string | null) ?? null }),
    backfill: backfillPostbackList,
  },
  { list: DELIVERY_LIST, collection: 'postback_deliveries', projection: { affiliateId: 1 }, scopesOf: (r) => deliveryScopes({ affiliateId: r.affiliateId as string }), backfill: backfillDeliveryList },
  { list: AUDIT_LIST, collection: 'audit_log', projection: { action: 1 }, scopesOf: (r) => ['all', `action:${r.action as string}`] },
];

/**
 * Days after which no row lands in a day any more: postbacks are listed under
 * their receive time by the worker that takes their job, which a postback
 * waiting for its click or a retry can delay by hours, not days.
 */
export const SETTLED_DAYS = 3;

/** Long enough for a row listed and counted a moment ago to be stored (a postback job in flight). */
const RECHECK_AFTER_MS = 2_000;

interface ListCheckDoc {
  _id: string;
  /** The last day counted into `totals` (null: none yet). */
  through: string | null;
  /** Stored rows of the days up to `through`, per scope. */
  totals: Record<string, number>;
  at: Date;
}

export const listChecks = (db: Db) => db.collection<ListCheckDoc>('list_checks');

/** The stored rows of one day of a list, per scope: the day's `all` bucket and its chunks by `_id`, its rows by `_id`. */
async function countDay(ctx: AppContext, l: DayCheckedList, day: string): Promise<Map<string, number>> {
  const ids = [...new Set((await readDayEntries(ctx.db, l.list, 'all', day)).map(entryRowId))];
  const rows = await findEachById(ctx.db.collection(l.collection), ids, l.projection);
  const out = new Map<string, number>();
  for (const r of rows) for (const s of l.scopesOf(r)) out.set(s, (out.get(s) ?? 0) + 1);
  return out;
}

const nextDay = (day: string) => dayKey(dayKeyToMs(day) + DAY_MS);

function addInto(total: Map<string, number>, add: Map<string, number> | Record<string, number>): void {
  for (const [s, n] of add instanceof Map ? add : Object.entries(add)) total.set(s, (total.get(s) ?? 0) + n);
}

/** Counts the settled days not counted yet into the running total, and stores it (one day at a time, so an interrupted check keeps what it did). */
async function settledTotals(ctx: AppContext, l: DayCheckedList, first: string, settledThrough: string): Promise<{ through: string | null; totals: Map<string, number> }> {
  const doc = await listChecks(ctx.db).findOne({ _id: l.list });
  let through = doc?.through ?? null;
  const totals = new Map(Object.entries(doc?.totals ?? {}));
  for (let day = through ? nextDay(through) : first; day <= settledThrough; day = nextDay(day)) {
    addInto(totals, await countDay(ctx, l, day));
    const prev = through;
    through = day;
    const r = await listChecks(ctx.db).updateOne(
      { _id: l.list, through: prev },
      { $set: { through, totals: Object.fromEntries(totals), at: new Date() } },
      { upsert: prev === null },
    );
    if (r.matchedCount + r.upsertedCount === 0) throw new Error(`the ${l.list} list check moved meanwhile (two checks at once?)`);
  }
  return { through, totals };
}

/** The counters of `scopes` as stored, each scope document read by `_id`. */
async function storedCounts(ctx: AppContext, list: string, scopes: string[]): Promise<Map<string, number>> {
  const docs = await findEachById(listScopes(ctx.db), scopes.map((s) => scopeId(list, s)), { n: 1 });
  return new Map(docs.map((d) => [d._id.slice(list.length + 1), Number(d.n ?? 0)]));
}

const keyed = (list: string, m: Map<string, number>, scopes: Iterable<string>): Tally => new Map([...scopes].map((s) => [`${list}|${s}`, { n: m.get(s) ?? 0 }]));

/** One pass over a list: its expected counts (settled total + the days since, counted now) against its counters. */
async function pass(ctx: AppContext, l: DayCheckedList, nowMs: number, onlyScopes?: string[]): Promise<{ differences: Difference[]; daysCounted: number }> {
  const all = await readScope(ctx.db, l.list, 'all');
  if (!all?.first || !all.last) return { differences: [], daysCounted: 0 };
  const settledThrough = dayKey(nowMs - SETTLED_DAYS * DAY_MS);
  const settled = await settledTotals(ctx, l, all.first, settledThrough < all.last ? settledThrough : all.last);
  const expected = new Map(settled.totals);
  let daysCounted = 0;
  for (let day = settled.through ? nextDay(settled.through) : all.first; day <= all.last; day = nextDay(day)) {
    addInto(expected, await countDay(ctx, l, day));
    daysCounted += 1;
  }
  const scopes = onlyScopes ?? [...expected.keys()];
  const actual = await storedCounts(ctx, l.list, scopes);
  return { differences: diffTallies('list_counters', keyed(l.list, expected, scopes), keyed(l.list, actual, scopes), ['n']), daysCounted };
}

const same = (a: Difference, b: Difference) => a.key === b.key && a.expected === b.expected && a.actual === b.actual;

export interface DayCheckOptions {
  nowMs?: number;
  /** Waits between the two passes (tests pass their own, to write meanwhile). */
  settle?: () => Promise<void>;
}

/**
 * The counters of the day-checked lists against their rows, key
 * `<list>|<scope>`, field `n`. A scope that differs is read again after a
 * pause (a row counted when listed may be about to be stored), and only
 * differences seen both times with the same values are reported. Scopes with
 * a counter and no stored row at all are not seen (only scopes rows name are
 * compared).
 */
export async function dayCheckedDifferences(ctx: AppContext, opts: DayCheckOptions = {}): Promise<Difference[]> {
  const nowMs = opts.nowMs ?? Date.now();
  await Promise.all(DAY_CHECKED_LISTS.map((l) => l.backfill?.(ctx.db)));
  const first: Difference[][] = [];
  for (const l of DAY_CHECKED_LISTS) first.push((await pass(ctx, l, nowMs)).differences);
  if (first.every((d) => d.length === 0)) return [];
  await (opts.settle ?? (() => sleep(RECHECK_AFTER_MS)))();
  const out: Difference[] = [];
  for (const [i, l] of DAY_CHECKED_LISTS.entries()) {
    const seen = first[i]!;
    if (seen.length === 0) continue;
    const again = (await pass(ctx, l, nowMs, seen.map((d) => d.key.slice(l.list.length + 1)))).differences;
    out.push(...seen.filter((d) => again.some((a) => same(a, d))));
  }
  return out;
}

/**
 * Corrects what dayCheckedDifferences reports, by `$inc` of the difference (so
 * counts landing meanwhile are kept), and records each correction in the
 * audit log (a change the system made on its own). Running it again changes
 * nothing.
 */
export async function repairDayCheckedCounters(ctx: AppContext, opts: DayCheckOptions = {}): Promise<{ repaired: number; differences: Difference[] }> {
  const differences = await dayCheckedDifferences(ctx, opts);
  for (const d of differences) {
    await listScopes(ctx.db).updateOne({ _id: d.key }, { $inc: { n: d.expected - d.actual } as never }, { upsert: true });
    await recordAudit(ctx, {
      action: 'list_counter.repair',
      actor: null,
      target: { type: 'list_counter', id: d.key, label: `${d.key} ${d.field}` },
      details: { field: d.field, from: d.actual, to: d.expected },
    });
  }
  return { repaired: differences.length, differences };
}
