import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';
import { addEntries, addEntry, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type CountedList, type Page } from '../db/list-buckets';
import { GroupCommit, perContext } from '../db/group-commit';
import { CONVERSION_STATUSES, type ConversionStatus } from '../domain/attribution';
import type { Principal } from '../domain/permissions';
import { recordSearchKeys, searchConversionIds } from './conversion-search';

/**
 * The conversions list's read model (see db/list-buckets): day buckets of
 * `"<convertedAt ms>_<id>"` per scope (`all`, `adv:<advertiserId>`,
 * `aff:<affiliateId>`, `camp:<campaignId>`), and per scope the counts of
 * conversions in each listed status (`approved`, `pending`, `rejected`;
 * `processing` ones are not listed and not counted).
 */
export const CONVERSION_LIST = 'conv';

type Scoped = Pick<ConversionDoc, 'campaignId' | 'affiliateId' | 'advertiserId'>;

export const conversionScopes = (c: Scoped) => ['all', `adv:${c.advertiserId}`, `aff:${c.affiliateId}`, `camp:${c.campaignId}`];

const isListed = (s: string): s is ConversionStatus => (CONVERSION_STATUSES as readonly string[]).includes(s);

/** Lists a conversion before it is inserted (called by indexNewConversion), in chunks: one is listed per postback. */
export async function listNewConversion(db: Db, doc: Scoped & Pick<ConversionDoc, '_id' | 'convertedAt'>): Promise<void> {
  await addEntry(db, CONVERSION_LIST, conversionScopes(doc), doc.convertedAt.getTime(), doc._id, { chunked: true });
}

function statusDeltas(docs: Array<Scoped & { from: string | null; to: string | null }>): Map<string, Record<string, number>> {
  const deltas = new Map<string, Record<string, number>>();
  for (const d of docs) {
    for (const scope of conversionScopes(d)) {
      const inc = deltas.get(scope) ?? {};
      if (d.from && isListed(d.from)) inc[d.from] = (inc[d.from] ?? 0) - 1;
      if (d.to && isListed(d.to)) inc[d.to] = (inc[d.to] ?? 0) + 1;
      deltas.set(scope, inc);
    }
  }
  return deltas;
}

const COUNTED_TTL_S = 7 * 86_400;

type Transition = Scoped & { from: string | null; to: string | null };

/**
 * Transitions counted at the same time (a burst of postbacks creating
 * conversions) go as one `$inc` per scope document: small documents, but one
 * write command each would queue behind every other write of the server.
 */
const transitionCounts = perContext(
  (ctx: AppContext) =>
    new GroupCommit<Transition, true>(async (items) => {
      await incCounters(ctx.db, CONVERSION_LIST, statusDeltas(items));
      return items.map(() => true as const);
    }, 200),
);

/**
 * Moves the status counters for one transition of a conversion (`seq` = its
 * position in the history), exactly once: the transition's effects may run
 * again after a crash or through the effects sweep, so a Redis key per
 * transition lets only the first run count. If the counters cannot be
 * written the key is dropped again and the error thrown, so the effects are
 * recorded and the sweep counts it later.
 */
export async function countConversionTransition(ctx: AppContext, conv: Scoped & Pick<ConversionDoc, '_id'>, from: ConversionStatus | null, to: ConversionStatus, seq: number): Promise<void> {
  const key = `${ctx.keys.prefix}:list-counted:${conv._id}:${seq}`;
  if ((await ctx.redis.set(key, '1', 'EX', COUNTED_TTL_S, 'NX')) !== 'OK') return;
  try {
    await transitionCounts(ctx).add({ campaignId: conv.campaignId, affiliateId: conv.affiliateId, advertiserId: conv.advertiserId, from, to });
  } catch (err) {
    await ctx.redis.del(key).catch(() => {});
    throw err;
  }
}

/** The conversion a postback created, as its processing left it (so counting it needs no read). */
export type CreatedConversion = Scoped & Pick<ConversionDoc, '_id' | 'status' | 'history'>;

/**
 * Counts the creation of the conversion a postback created (its id is the
 * postback's), once its processing resolved: its first status, as transition
 * 1. Called by the conversion worker after each resolved postback; the
 * per-transition key makes a second call (a rerun job) count nothing. The
 * outcome carries the conversion when this run created or finished it;
 * otherwise (a postback resolved by an earlier run) it is read.
 */
export async function countCreatedConversion(ctx: AppContext, postbackId: string, outcome: { conversionId: string | null; created?: CreatedConversion | undefined }): Promise<void> {
  if (outcome.conversionId !== postbackId) return; // none, or another conversion (a duplicate, a status update)
  const conv = outcome.created?._id === postbackId ? outcome.created : ((await ctx.models.Conversion.findById(postbackId).lean()) as ConversionDoc | null);
  const created = conv?.history[0];
  if (!conv || !created || !isListed(conv.status) || !isListed(created.to)) return;
  await countConversionTransition(ctx, conv, null, created.to, 1);
}

/** Lists conversions written directly (seed, test data) before they are inserted, with their search keys. */
export async function listConversions(db: Db, docs: Array<Scoped & Pick<ConversionDoc, '_id' | 'convertedAt' | 'txnId' | 'clickId'>>): Promise<void> {
  await Promise.all([addEntries(db, CONVERSION_LIST, docs.map((d) => ({ scopes: conversionScopes(d), ms: d.convertedAt.getTime(), id: d._id }))), recordSearchKeys(db, docs)]);
}

/** Counts conversions written directly, once they are stored (pass only the ones the insert stored). */
export async function countStoredConversions(db: Db, docs: Array<Scoped & Pick<ConversionDoc, 'status'>>): Promise<void> {
  await incCounters(db, CONVERSION_LIST, statusDeltas(docs.map((d) => ({ ...d, from: null, to: d.status }))));
}

/** Moves the counters of a conversion whose status was set directly (test data). */
export async function countStatusMove(db: Db, conv: Scoped, from: string, to: string): Promise<void> {
  await incCounters(db, CONVERSION_LIST, statusDeltas([{ ...conv, from, to }]));
}

const scanConversions = (db: Db) =>
  db.collection<ConversionDoc>('conversions').find({}, { projection: { _id: 1, convertedAt: 1, campaignId: 1, affiliateId: 1, advertiserId: 1, status: 1 } });

function countsOf(docs: Array<Scoped & Pick<ConversionDoc, 'status'>>): Map<string, Record<string, number>> {
  const counts = statusDeltas(docs.map((d) => ({ ...d, from: null, to: d.status })));
  for (const inc of counts.values()) for (const s of CONVERSION_STATUSES) inc[s] ??= 0;
  return counts;
}

export const conversionListCounters: CountedList = {
  list: CONVERSION_LIST,
  counters: CONVERSION_STATUSES,
  countRows: (ctx) => countScan(scanConversions(ctx.db), countsOf),
  backfill: (db) => backfillConversionList(db),
};

/**
 * Conversions stored before the buckets existed get listed and counted once
 * per database (one scan, recorded in `migrations`). The counters are set,
 * not added to, from that scan; a status change landing during the scan can
 * leave them one off (the migration runs once, at the first list read;
 * reconciliation finds such a drift, repair-list-counters corrects it).
 */
export function backfillConversionList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_conversions', async () => {
    const docs = await scanConversions(db).toArray();
    // Buckets only: the search keys have their own backfill, run by the first search.
    await addEntries(db, CONVERSION_LIST, docs.map((d) => ({ scopes: conversionScopes(d), ms: d.convertedAt.getTime(), id: d._id })));
    await setCounters(db, CONVERSION_LIST, countsOf(docs));
  });
}

export interface ConversionListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | null;
  campaignId?: string | undefined;
  affiliateId?: string | undefined;
  advertiserId?: string | undefined;
  status?: ConversionStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** A transaction id or click id, exactly. */
  search?: string | undefined;
}

export interface ConversionPage extends Page<ConversionDoc> {
  /** Conversions matching the filters in all, or null when no counter answers it (dates, two scopes at once). */
  total: number | null;
}

/** The ids the principal's role pins (an affiliate sees only their own, an advertiser only their campaigns': their own id wins over one they name), with the request's. */
function effectiveIds(p: Principal, q: ConversionListQuery) {
  return {
    campaignId: q.campaignId,
    affiliateId: p.role === 'affiliate' ? p.id : q.affiliateId,
    advertiserId: p.role === 'advertiser' ? p.id : p.role === 'admin' ? q.advertiserId : undefined,
  };
}

/** The most specific scope the ids name, and whether it alone answers every id filter (so its counters give the total). */
function scopeOf(ids: ReturnType<typeof effectiveIds>): { scope: string; exact: boolean } {
  // A campaign's advertiser was checked up front, so only an affiliate narrows the campaign scope further.
  if (ids.campaignId) return { scope: `camp:${ids.campaignId}`, exact: ids.affiliateId === undefined };
  if (ids.affiliateId) return { scope: `aff:${ids.affiliateId}`, exact: ids.advertiserId === undefined };
  if (ids.advertiserId) return { scope: `adv:${ids.advertiserId}`, exact: true };
  return { scope: 'all', exact: true };
}

function accepts(q: ConversionListQuery, ids: ReturnType<typeof effectiveIds>) {
  const fromMs = q.from?.getTime();
  const toMs = q.to?.getTime();
  return (c: ConversionDoc) =>
    (q.status ? c.status === q.status : isListed(c.status)) &&
    (!ids.campaignId || c.campaignId === ids.campaignId) &&
    (!ids.affiliateId || c.affiliateId === ids.affiliateId) &&
    (!ids.advertiserId || c.advertiserId === ids.advertiserId) &&
    (fromMs === undefined || c.convertedAt.getTime() >= fromMs) &&
    (toMs === undefined || c.convertedAt.getTime() < toMs);
}

const fetchConversion = (ctx: AppContext) => async (id: string) => (await ctx.models.Conversion.findById(id).lean()) as ConversionDoc | null;

/**
 * A search by txn id or click id: the ids its search keys hold (at most
 * 2 × SEARCH_IDS_MAX, each read by `_id`), filtered like the list and sorted
 * by time; one page, never a scan.
 */
async function searchPage(ctx: AppContext, q: ConversionListQuery, accept: (c: ConversionDoc) => boolean): Promise<ConversionPage> {
  const ids = await searchConversionIds(ctx.db, q.search!);
  const docs = (await Promise.all(ids.map(fetchConversion(ctx)))).filter((c): c is ConversionDoc => c !== null && accept(c));
  const dir = q.order === 'asc' ? 1 : -1;
  docs.sort((a, b) => dir * (a.convertedAt.getTime() - b.convertedAt.getTime()) || (a._id < b._id ? -dir : dir));
  return { rows: docs.slice(0, q.limit), next: null, total: docs.length };
}

/**
 * A page of the conversions a principal may see: read through the most
 * specific scope the request names; filters no scope answers (status, a
 * second id, dates) are applied to the fetched rows. A search reads the
 * search keys instead of a scope.
 */
export async function readConversionPage(ctx: AppContext, p: Principal, q: ConversionListQuery): Promise<ConversionPage> {
  await backfillConversionList(ctx.db);
  const ids = effectiveIds(p, q);
  if (ids.advertiserId && ids.campaignId) {
    // Another advertiser's campaign lists nothing; checked up front rather than filtering all its rows away.
    const c = await ctx.models.Campaign.findById(ids.campaignId, { advertiserId: 1 }).lean();
    if (!c || c.advertiserId !== ids.advertiserId) return { rows: [], next: null, total: 0 };
  }
  const accept = accepts(q, ids);
  if (q.search) return searchPage(ctx, q, accept);
  const { scope, exact } = scopeOf(ids);
  const counted = exact && !q.from && !q.to;
  const [page, counters] = await Promise.all([
    readPage<ConversionDoc>(ctx.db, {
      list: CONVERSION_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fromMs: q.from?.getTime(),
      toMs: q.to?.getTime(),
      fetch: fetchConversion(ctx),
      accept,
    }),
    counted ? readScope(ctx.db, CONVERSION_LIST, scope) : null,
  ]);
  let total: number | null = null;
  if (counted) {
    const n = (s: ConversionStatus) => Number(counters?.[s] ?? 0);
    total = q.status ? n(q.status) : CONVERSION_STATUSES.reduce((sum, s) => sum + n(s), 0);
  }
  return { ...page, total };
}

/** Every conversion matching the filters, up to `max` (a CSV export), read page by page through the same scopes. */
export async function readAllConversions(ctx: AppContext, p: Principal, q: Omit<ConversionListQuery, 'limit' | 'after'>, max: number): Promise<ConversionDoc[]> {
  const rows: ConversionDoc[] = [];
  let after: string | null = null;
  do {
    const page: ConversionPage = await readConversionPage(ctx, p, { ...q, limit: Math.min(500, max - rows.length), after });
    rows.push(...page.rows);
    after = page.next;
  } while (after !== null && rows.length < max);
  return rows;
}
