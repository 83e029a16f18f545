import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import type { PostbackDoc, PostbackState } from '../db/models/postback';
import { addCountedEntry, addEntries, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type CountedList, type Page } from '../db/list-buckets';
import type { Principal } from '../domain/permissions';
import { campaignForToken } from './campaign-by-token';
import type { PostbackJobData } from './postback-job';
import { recordPostbackSearchKeys, recordPostbacksSearchKeys, searchPostbackIds } from './postback-search';

/**
 * The postbacks list's read model (see db/list-buckets): day buckets of
 * `"<receivedAt ms>_<id>"` per scope (`all`, and for postbacks whose token
 * opens a campaign `adv:<advertiserId>` and `camp:<campaignId>`), and per
 * scope the count `n` of postbacks listed there. A postback is listed (and
 * counted, once) before it is first stored: by the conversion worker before
 * it processes the job, or by the intake when it stores the postback itself.
 */
export const POSTBACK_LIST = 'pb';

type Owner = { campaignId: string | null; advertiserId: string | null };

export const postbackScopes = (o: Owner) => (o.campaignId && o.advertiserId ? ['all', `adv:${o.advertiserId}`, `camp:${o.campaignId}`] : ['all']);

/**
 * Lists and counts one accepted postback, and records its search keys. Its campaign is the one its token
 * opens at the time it was received, as the worker will resolve it
 * (campaignForToken, cached per process, so the worker's own lookup after
 * this one is a cache hit). `owner` null: the caller found that no campaign
 * has the token.
 */
export async function listPostback(ctx: AppContext, job: Pick<PostbackJobData, 'id' | 'receivedAt' | 'params'>, owner?: Owner | null): Promise<void> {
  const receivedAt = new Date(job.receivedAt).getTime();
  let o: Owner = owner ?? { campaignId: null, advertiserId: null };
  if (owner === undefined && job.params.token) {
    const c = await campaignForToken(ctx, job.params.token, receivedAt);
    if (c) o = { campaignId: c._id, advertiserId: c.advertiserId };
  }
  await Promise.all([addCountedEntry(ctx.db, POSTBACK_LIST, postbackScopes(o), receivedAt, job.id, 'n'), recordPostbackSearchKeys(ctx.db, { _id: job.id, params: job.params })]);
}

const addPostbackEntries = (db: Db, docs: Array<Owner & Pick<PostbackDoc, '_id' | 'receivedAt'>>) =>
  addEntries(db, POSTBACK_LIST, docs.map((d) => ({ scopes: postbackScopes(d), ms: d.receivedAt.getTime(), id: d._id })));

/** Lists postbacks written directly (the seed) before they are inserted, with their search keys. */
export async function listPostbacks(db: Db, docs: Array<Owner & Pick<PostbackDoc, '_id' | 'receivedAt' | 'params'>>): Promise<void> {
  await Promise.all([addPostbackEntries(db, docs), recordPostbacksSearchKeys(db, docs)]);
}

function countsOf(docs: Owner[]): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const d of docs) for (const s of postbackScopes(d)) counts.set(s, { n: (counts.get(s)?.n ?? 0) + 1 });
  return counts;
}

const scanPostbacks = (db: Db) => db.collection<PostbackDoc>('postbacks').find({}, { projection: { _id: 1, receivedAt: 1, campaignId: 1, advertiserId: 1, state: 1, params: 1 } });

/**
 * The scopes a stored postback was listed under: its token's campaign at the
 * time it was received (listPostback), which a postback stored by the intake
 * while Redis was down does not carry until the worker has processed it.
 */
async function* asListed(ctx: AppContext, docs: AsyncIterable<Owner & Pick<PostbackDoc, 'receivedAt' | 'state' | 'params'>>): AsyncIterable<Owner> {
  for await (const d of docs) {
    const token = d.state === 'queued' && !d.campaignId ? d.params?.token : undefined;
    const c = token ? await campaignForToken(ctx, token, d.receivedAt.getTime()) : null;
    yield c ? { campaignId: c._id, advertiserId: c.advertiserId } : d;
  }
}

/**
 * The stored postbacks. A postback is counted when listed, before it is
 * stored: one being processed right now is counted and not yet stored.
 */
export const postbackListCounters: CountedList = {
  list: POSTBACK_LIST,
  counters: ['n'],
  countRows: (ctx) => countScan(asListed(ctx, scanPostbacks(ctx.db)), countsOf),
  backfill: (db) => backfillPostbackList(db),
};

/** Counts postbacks written directly, once stored (pass only the ones the insert stored). */
export async function countStoredPostbacks(db: Db, docs: Owner[]): Promise<void> {
  await incCounters(db, POSTBACK_LIST, countsOf(docs));
}

/**
 * Postbacks stored before the buckets existed are listed and counted once
 * per database (one scan, recorded in `migrations`; counters set from it).
 */
export function backfillPostbackList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_postbacks', async () => {
    const docs = await scanPostbacks(db).toArray();
    // Buckets only: the search keys have their own backfill, run by the first search.
    await addPostbackEntries(db, docs);
    await setCounters(db, POSTBACK_LIST, countsOf(docs));
  });
}

export interface PostbackListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | null;
  campaignId?: string | undefined;
  advertiserId?: string | undefined;
  state?: PostbackState | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** A txn id or click id, exactly. */
  search?: string | undefined;
}

export interface PostbackPage extends Page<PostbackDoc> {
  /** Postbacks accepted in the scope (ones still queued included), or null with a `state` filter or dates (no counter answers them). */
  total: number | null;
}

const fetchPostback = (ctx: AppContext) => async (id: string) => (await ctx.models.Postback.findById(id).lean()) as PostbackDoc | null;

/** Whether a fetched postback is on the page: the row decides (a queued one may not know its campaign yet, so an advertiser does not see it until it does). */
function accepts(q: PostbackListQuery, advertiserId: string | undefined) {
  const fromMs = q.from?.getTime();
  const toMs = q.to?.getTime();
  return (pb: PostbackDoc) =>
    (!q.state || pb.state === q.state) &&
    (!q.campaignId || pb.campaignId === q.campaignId) &&
    (!advertiserId || pb.advertiserId === advertiserId) &&
    (fromMs === undefined || pb.receivedAt.getTime() >= fromMs) &&
    (toMs === undefined || pb.receivedAt.getTime() < toMs);
}

/**
 * A search by txn id or click id: the postbacks its search keys hold (at
 * most 2 × SEARCH_IDS_MAX, each read by `_id`), filtered like the list and
 * sorted by time; one page, never a scan.
 */
async function searchPage(ctx: AppContext, q: PostbackListQuery, accept: (pb: PostbackDoc) => boolean): Promise<PostbackPage> {
  const ids = await searchPostbackIds(ctx.db, q.search!);
  const docs = (await Promise.all(ids.map(fetchPostback(ctx)))).filter((pb): pb is PostbackDoc => pb !== null && accept(pb));
  const dir = q.order === 'asc' ? 1 : -1;
  docs.sort((a, b) => dir * (a.receivedAt.getTime() - b.receivedAt.getTime()) || (a._id < b._id ? -dir : dir));
  return { rows: docs.slice(0, q.limit), next: null, total: docs.length };
}

/** A page of the postbacks a principal may see (advertisers: their campaigns'; admins: all). */
export async function readPostbackPage(ctx: AppContext, p: Principal, q: PostbackListQuery): Promise<PostbackPage> {
  await backfillPostbackList(ctx.db);
  const advertiserId = p.role === 'admin' ? q.advertiserId : p.id;
  if (advertiserId && q.campaignId) {
    const c = await ctx.models.Campaign.findById(q.campaignId, { advertiserId: 1 }).lean();
    if (!c || c.advertiserId !== advertiserId) return { rows: [], next: null, total: 0 };
  }
  const accept = accepts(q, advertiserId);
  if (q.search) return searchPage(ctx, q, accept);
  const scope = q.campaignId ? `camp:${q.campaignId}` : advertiserId ? `adv:${advertiserId}` : 'all';
  const counted = !q.state && !q.from && !q.to;
  const [page, counters] = await Promise.all([
    readPage<PostbackDoc>(ctx.db, {
      list: POSTBACK_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fromMs: q.from?.getTime(),
      toMs: q.to?.getTime(),
      fetch: fetchPostback(ctx),
      accept,
    }),
    counted ? readScope(ctx.db, POSTBACK_LIST, scope) : null,
  ]);
  return { ...page, total: counted ? Number(counters?.n ?? 0) : null };
}

/** Every postback matching the filters, up to `max` (a CSV export), read page by page. */
export async function readAllPostbacks(ctx: AppContext, p: Principal, q: Omit<PostbackListQuery, 'limit' | 'after'>, max: number): Promise<PostbackDoc[]> {
  const rows: PostbackDoc[] = [];
  let after: string | null = null;
  do {
    const page: PostbackPage = await readPostbackPage(ctx, p, { ...q, limit: Math.min(500, max - rows.length), after });
    rows.push(...page.rows);
    after = page.next;
  } while (after !== null && rows.length < max);
  return rows;
}
