import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../context';
import { conversionListCounters } from '../conversions/conversion-list';
import { postbackListCounters } from '../conversions/postback-list';
import { userListCounters } from '../accounts/user-list';
import { jobRunListCounters } from '../job-runs/run-list';
import { deliveryListCounters } from '../outbound/delivery-list';
import { payoutListCounters } from '../payouts/payout-list';
import { listScopes, scopeId, type CountedList, type ScopeCounts } from '../db/list-buckets';
import { diffTallies, type Difference, type Tally } from '../domain/reconcile-diff';

export const COUNTED_LISTS: readonly CountedList[] = [conversionListCounters, postbackListCounters, payoutListCounters, userListCounters, deliveryListCounters, jobRunListCounters];

/**
 * Long enough for the write a counter trails (or, for postbacks, leads) to
 * land: a status change and its counter move, a postback job between its
 * listing and its stored outcome.
 */
const RECHECK_AFTER_MS = 2_000;

export interface ListCounterOptions {
  /** Waits between the two passes (tests pass their own, to write meanwhile). */
  settle?: () => Promise<void>;
}

/** A list's counters as stored, for every scope document (or only `scopes`, read by `_id`). */
async function storedCounters(ctx: AppContext, list: CountedList, scopes?: string[]): Promise<ScopeCounts> {
  const pick = (doc: Record<string, unknown>) => Object.fromEntries(list.counters.map((c) => [c, Number(doc[c] ?? 0)]));
  const out: ScopeCounts = new Map();
  if (scopes) {
    const docs = await Promise.all(scopes.map((s) => listScopes(ctx.db).findOne({ _id: scopeId(list.list, s) })));
    scopes.forEach((s, i) => out.set(s, pick(docs[i] ?? {})));
    return out;
  }
  const prefix = `${list.list}|`;
  const projection = Object.fromEntries(list.counters.map((c) => [c, 1]));
  // Every list's scope documents, the ones no row belongs to any more included (a counter left above zero).
  for await (const doc of listScopes(ctx.db).find({ _id: { $gte: prefix, $lt: `${list.list}}` } }, { projection })) {
    if (doc._id.startsWith(prefix)) out.set(doc._id.slice(prefix.length), pick(doc));
  }
  return out;
}

async function pass(ctx: AppContext, list: CountedList, scopes?: string[]): Promise<Difference[]> {
  const expected = await list.countRows(ctx);
  const actual = await storedCounters(ctx, list, scopes);
  const only = (t: Tally) => (scopes ? new Map(scopes.map((s) => [s, t.get(s) ?? {}])) : t);
  const keyed = (t: Tally): Tally => new Map([...only(t)].map(([s, v]) => [`${list.list}|${s}`, v]));
  return diffTallies('list_counters', keyed(expected), keyed(actual), list.counters);
}

const same = (a: Difference, b: Difference) => a.key === b.key && a.field === b.field && a.expected === b.expected && a.actual === b.actual;

/**
 * The dashboard lists' counters (list_scopes, all time) against the rows
 * they count, key `<list>|<scope>`, field the counter. Traffic may be
 * flowing: a counter moves just after (or, for postbacks, just before) its
 * row is written, so one pass can catch a write half done. Scopes that
 * differ are counted and read again after a pause, and only differences seen
 * both times with the same values are reported: a write in flight has landed
 * by then, or new traffic has moved the numbers. A write stalled for longer
 * than the pause (a postback job crashed between its listing and its
 * outcome, waiting to be retried) can still be reported.
 */
export async function listCounterDifferences(ctx: AppContext, opts: ListCounterOptions = {}): Promise<Difference[]> {
  await Promise.all(COUNTED_LISTS.map((l) => l.backfill(ctx.db)));
  const first = await Promise.all(COUNTED_LISTS.map((l) => pass(ctx, l)));
  if (first.every((d) => d.length === 0)) return [];
  await (opts.settle ?? (() => sleep(RECHECK_AFTER_MS)))();
  const out: Difference[] = [];
  for (const [i, list] of COUNTED_LISTS.entries()) {
    const seen = first[i]!;
    if (seen.length === 0) continue;
    const scopes = [...new Set(seen.map((d) => d.key.slice(list.list.length + 1)))];
    const again = await pass(ctx, list, scopes);
    out.push(...seen.filter((d) => again.some((a) => same(a, d))));
  }
  return out;
}

/**
 * Corrects the counters that differ (as listCounterDifferences reports them)
 * by `$inc` of the difference, so counts landing meanwhile are kept. Running
 * it again changes nothing.
 */
export async function repairListCounters(ctx: AppContext, opts: ListCounterOptions = {}): Promise<{ repaired: number; differences: Difference[] }> {
  const differences = await listCounterDifferences(ctx, opts);
  const deltas = new Map<string, Record<string, number>>();
  for (const d of differences) deltas.set(d.key, { ...deltas.get(d.key), [d.field]: d.expected - d.actual });
  for (const [_id, inc] of deltas) await listScopes(ctx.db).updateOne({ _id }, { $inc: inc as never }, { upsert: true });
  return { repaired: deltas.size, differences };
}
