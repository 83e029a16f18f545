import type { Db } from 'mongodb';
import type { CampaignDoc } from '../db/models/campaign';
import { upsertRetrying } from '../db/duplicate-key';
import { backfillOnce } from '../db/list-buckets';
import type { CampaignStatus } from '../domain/campaign-rules';

/**
 * The campaigns list's read model: campaigns per network are few (tens to
 * thousands), so each list scope is ONE document read by `_id`
 * (`campaign_directory`: `all` for admins and affiliates, `adv:<advertiserId>`
 * for an advertiser's own) holding a compact entry per campaign with exactly
 * the fields the list filters, searches and sorts on. A page is filtered,
 * searched, sorted and cut in memory, and only its campaigns are fetched (by
 * `_id`). Entries are an embedded document keyed by campaign id and written
 * with `$set` of `entries.<id>` alone, so concurrent writes of different
 * campaigns never lose each other's entry.
 *
 * Entries are written before the campaign is stored or changed; readers skip
 * an entry whose campaign is missing and re-check the fetched campaign against
 * the filter. After a change the entry is set again from the stored campaign,
 * unless a later change of that campaign got there first (`v`: the stored
 * campaign's `updatedAt` the entry was taken from; 0 while a change is pending).
 */
export const CAMPAIGN_DIRECTORY = 'campaign_directory';

export interface CampaignEntry {
  /** name */
  n: string;
  /** status */
  s: CampaignStatus;
  /** advertiserId */
  a: string;
  /** createdAt (ms) */
  c: number;
  /** payoutModel */
  m: string;
  /** attributionWindowDays */
  w: number;
  /** updatedAt (ms) of the stored campaign this entry was taken from; 0 when written before a change */
  v: number;
}

export interface CampaignDirectoryDoc {
  _id: string;
  entries?: Record<string, CampaignEntry>;
}

export type CampaignSummary = Pick<CampaignDoc, '_id' | 'name' | 'status' | 'advertiserId' | 'createdAt' | 'payoutModel' | 'attributionWindowDays'> & { updatedAt?: Date | undefined };

export const ALL_CAMPAIGNS = 'all';
export const advertiserCampaigns = (advertiserId: string) => `adv:${advertiserId}`;
const scopesOf = (c: Pick<CampaignDoc, 'advertiserId'>) => [ALL_CAMPAIGNS, advertiserCampaigns(c.advertiserId)];

const directory = (db: Db) => db.collection<CampaignDirectoryDoc>(CAMPAIGN_DIRECTORY);
const ms = (d: Date | string | number | undefined) => (d === undefined ? 0 : new Date(d).getTime());

export function campaignEntry(c: CampaignSummary, v: number): CampaignEntry {
  return { n: c.name, s: c.status, a: c.advertiserId, c: ms(c.createdAt), m: c.payoutModel, w: c.attributionWindowDays, v };
}

/** Whether two entries list a campaign alike (the version aside). */
export const sameListing = (x: CampaignEntry, y: CampaignEntry) => x.n === y.n && x.s === y.s && x.a === y.a && x.c === y.c && x.m === y.m && x.w === y.w;


/**
 * Sets a campaign's entry in each scope it belongs to, unconditionally: at
 * creation (`v` = its timestamps) and before a change (`v` = 0).
 */
export async function putCampaignEntry(db: Db, c: CampaignSummary, v: number): Promise<void> {
  const entry = campaignEntry(c, v);
  await Promise.all(
    scopesOf(c).map((_id) => upsertRetrying(() => directory(db).updateOne({ _id }, { $set: { [`entries.${c._id}`]: entry } }, { upsert: true }))),
  );
}

/**
 * Sets the entry from the campaign as stored after a change, unless the entry
 * was already taken from a later version of it (a concurrent change whose own
 * sync came first).
 */
export async function syncCampaignEntry(db: Db, stored: CampaignSummary): Promise<void> {
  const v = ms(stored.updatedAt);
  const entry = campaignEntry(stored, v);
  const key = `entries.${stored._id}`;
  await Promise.all(
    scopesOf(stored).map(async (_id) => {
      const r = await directory(db).updateOne({ _id, $or: [{ [`${key}.v`]: { $lt: v } }, { [key]: { $exists: false } }] }, { $set: { [key]: entry } });
      // The scope document itself is missing (an entry written before the directory existed): create it.
      if (r.matchedCount === 0 && !(await directory(db).findOne({ _id }, { projection: { _id: 1 } }))) {
        await upsertRetrying(() => directory(db).updateOne({ _id }, { $set: { [key]: entry } }, { upsert: true }));
      }
    }),
  );
}

/** Campaigns stored before the directory existed are listed once per database (one scan, recorded in `migrations`). */
function backfillDirectory(db: Db): Promise<void> {
  return backfillOnce(db, 'campaign_directory', async () => {
    const cursor = db.collection<CampaignDoc>('campaigns').find({}, { projection: { name: 1, status: 1, advertiserId: 1, createdAt: 1, updatedAt: 1, payoutModel: 1, attributionWindowDays: 1 } });
    const byScope = new Map<string, Record<string, CampaignEntry>>();
    for await (const c of cursor) {
      for (const s of scopesOf(c)) {
        let set = byScope.get(s);
        if (!set) byScope.set(s, (set = {}));
        set[`entries.${c._id}`] = campaignEntry(c, ms(c.updatedAt));
      }
    }
    // In slices of keys, so no single update carries the whole network.
    for (const [_id, set] of byScope) {
      const keys = Object.keys(set);
      for (let i = 0; i < keys.length; i += 500) {
        const slice = Object.fromEntries(keys.slice(i, i + 500).map((k) => [k, set[k]]));
        await upsertRetrying(() => directory(db).updateOne({ _id }, { $set: slice }, { upsert: true }));
      }
    }
  });
}

/** A scope's entries by campaign id: one read by `_id` (after the one-time backfill). */
export async function readCampaignDirectory(db: Db, scope: string): Promise<Array<[string, CampaignEntry]>> {
  await backfillDirectory(db);
  const doc = await directory(db).findOne({ _id: scope });
  return Object.entries(doc?.entries ?? {});
}

/* ---------- the list ---------- */

const ENTRY_FIELD = { createdAt: 'c', name: 'n', status: 's', payoutModel: 'm', attributionWindowDays: 'w' } as const satisfies Record<string, keyof CampaignEntry>;
export type DirectorySortField = keyof typeof ENTRY_FIELD;

export interface DirectoryQuery {
  advertiserId?: string | undefined;
  status?: CampaignStatus | undefined;
  payoutModel?: string | undefined;
  /** Case-insensitive substring of the name (what `$regex` of the escaped text with `i` matched). */
  q?: string | undefined;
  sort: DirectorySortField;
  dir: 1 | -1;
  page: number;
  limit: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a campaign (its entry, or the campaign itself when re-checked) passes the list's filters. */
export function directoryMatcher(query: Pick<DirectoryQuery, 'advertiserId' | 'status' | 'payoutModel' | 'q'>) {
  const re = query.q ? new RegExp(escapeRegex(query.q), 'i') : null;
  return (c: { name: string; status: string; advertiserId: string; payoutModel: string }) =>
    (query.advertiserId === undefined || c.advertiserId === query.advertiserId) &&
    (query.status === undefined || c.status === query.status) &&
    (query.payoutModel === undefined || c.payoutModel === query.payoutModel) &&
    (re === null || re.test(c.name));
}

/** MongoDB's order of two values of one type: strings by their UTF-8 bytes (the simple collation), numbers numerically. */
function compareValues(x: string | number, y: string | number): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const a = String(x);
  const b = String(y);
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order except for astral characters against U+E000–U+FFFF: compare bytes only then.
  return /[\uD800-\uDFFF]/.test(a) || /[\uD800-\uDFFF]/.test(b) ? Buffer.compare(Buffer.from(a), Buffer.from(b)) : a < b ? -1 : 1;
}

/**
 * The page of a scope's directory: filtered, searched and sorted like the
 * MongoDB query it replaces (the sort field, then `_id`, in one direction),
 * with the filtered total.
 */
export function pageOfDirectory(entries: Array<[string, CampaignEntry]>, query: DirectoryQuery): { ids: string[]; total: number } {
  const matches = directoryMatcher(query);
  const field = ENTRY_FIELD[query.sort];
  const found = entries.filter(([, e]) => matches({ name: e.n, status: e.s, advertiserId: e.a, payoutModel: e.m }));
  found.sort(([ia, a], [ib, b]) => query.dir * (compareValues(a[field], b[field]) || compareValues(ia, ib)));
  const start = (query.page - 1) * query.limit;
  return { ids: found.slice(start, start + query.limit).map(([id]) => id), total: found.length };
}
