import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';
import { addEntries, addEntry, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type CountedList, type Page } from '../db/list-buckets';
import { CONVERSION_STATUSES, type ConversionStatus } from '../domain/attribution';
import type { Principal } from '../domain/permissions';

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

/** Lists a conversion before it is inserted (called by indexNewConversion). */
export async function listNewConversion(db: Db, doc: Scoped & Pick<ConversionDoc, '_id' | 'convertedAt'>): Promise<void> {
  await addEntry(db, CONVERSION_LIST, conversionScopes(doc), doc.convertedAt.getTime(), doc._id);
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
    await incCounters(ctx.db, CONVERSION_LIST, statusDeltas([{ ...conv, from, to }]));
  } catch (err) {
    await ctx.redis.del(key).catch(() => {});
    throw err;
  }
}

/**
 * Counts the creation of the conversion a postback created (its id is the
 * postback's), once its processing resolved: its first status, as transition
 * 1. Called by the conversion worker after each resolved postback; the
 * per-transition key makes a second call (a rerun job) count nothing.
 */
export async function countCreatedConversion(ctx: AppContext, postbackId: string, outcome: { conversionId: string | null }): Promise<void> {
  if (outcome.conversionId !== postbackId) return; // none, or another conversion (a duplicate, a status update)
  const conv = (await ctx.models.Conversion.findById(postbackId).lean()) as ConversionDoc | null;
  const created = conv?.history[0];
  if (!conv || !created || !isListed(conv.status) || !isListed(created.to)) return;
  await countConversionTransition(ctx, conv, null, created.to, 1);
}

/** Lists conversions written directly (seed, test data) before they are inserted. */
export async function listConversions(db: Db, docs: Array<Scoped & Pick<ConversionDoc, '_id' | 'convertedAt'>>): Promise<void> {
  await addEntries(db, CONVERSION_LIST, docs.map((d) => ({ scopes: conversionScopes(d), ms: d.convertedAt.getTime(), id: d._id })));
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
    await listConversions(db, docs);
    await setCounters(db, CONVERSION_LIST, countsOf(docs));
  });
}

export interface ConversionListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | null;
  campaignId?: string | undefined;
  affiliateId?: string | undefined;
  status?: ConversionStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface ConversionPage extends Page<ConversionDoc> {
  /** Conversions matching the filters in all, or null when no counter answers it (dates, two scopes at once). */
  total: number | null;
}

/**
 * A page of the conversions a principal may see: read through the most
 * specific scope the request names; filters no scope answers (status, a
 * second id, dates) are applied to the fetched rows.
 */
export async function readConversionPage(ctx: AppContext, p: Principal, q: ConversionListQuery): Promise<ConversionPage> {
  await backfillConversionList(ctx.db);
  const affiliateId = p.role === 'affiliate' ? p.id : q.affiliateId;
  const advertiserId = p.role === 'advertiser' ? p.id : undefined;
  if (advertiserId && q.campaignId) {
    // Another advertiser's campaign lists nothing; checked up front rather than filtering all its rows away.
    const c = await ctx.models.Campaign.findById(q.campaignId, { advertiserId: 1 }).lean();
    if (!c || c.advertiserId !== advertiserId) return { rows: [], next: null, total: 0 };
  }
  let scope: string;
  let exact: boolean; // the scope alone answers every id filter
  if (q.campaignId) {
    scope = `camp:${q.campaignId}`;
    exact = affiliateId === undefined;
  } else if (affiliateId) {
    scope = `aff:${affiliateId}`;
    exact = advertiserId === undefined;
  } else if (advertiserId) {
    scope = `adv:${advertiserId}`;
    exact = true;
  } else {
    scope = 'all';
    exact = true;
  }
  const accept = (c: ConversionDoc) =>
    (q.status ? c.status === q.status : isListed(c.status)) &&
    (!q.campaignId || c.campaignId === q.campaignId) &&
    (!affiliateId || c.affiliateId === affiliateId) &&
    (!advertiserId || c.advertiserId === advertiserId);
  const [page, counters] = await Promise.all([
    readPage<ConversionDoc>(ctx.db, {
      list: CONVERSION_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fromMs: q.from?.getTime(),
      toMs: q.to?.getTime(),
      fetch: async (id) => (await ctx.models.Conversion.findById(id).lean()) as ConversionDoc | null,
      accept,
    }),
    exact && !q.from && !q.to ? readScope(ctx.db, CONVERSION_LIST, scope) : null,
  ]);
  let total: number | null = null;
  if (exact && !q.from && !q.to) {
    const n = (s: ConversionStatus) => Number(counters?.[s] ?? 0);
    total = q.status ? n(q.status) : CONVERSION_STATUSES.reduce((sum, s) => sum + n(s), 0);
  }
  return { ...page, total };
}
