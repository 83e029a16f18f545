import type { Db } from 'mongodb';
import type { LinkDoc } from '../db/models/link';
import { upsertRetrying } from '../db/duplicate-key';
import { backfillOnce } from '../db/list-buckets';

/**
 * Links by `_id`, the one query the embedded server answers without reading
 * every link:
 * - `link_keys` (`_id` `<campaignId>|<affiliateId>` → `linkId`): the
 *   affiliate's link for a campaign, reserved before the link is stored (the
 *   first request to insert the key decides the link's id; the unique
 *   (campaign, affiliate) index on `links` stays for a real mongod).
 * - `link_directory` (`_id` `aff:<affiliateId>`): an entry per link of the
 *   affiliate, keyed by link id (`$set` of `entries.<linkId>`, so concurrent
 *   links never lose each other's entry), with what the links list sorts on.
 *   Written before the link; readers skip an entry whose link is missing.
 * - `link_directory` (`_id` `camp:<campaignId>`): the same entries per
 *   campaign (link id → affiliate, createdAt), so a campaign's oldest link
 *   (the one a test postback attributes its click to) is one read by `_id`.
 *   Never taken back: readers check that the link is stored and is the
 *   campaign's.
 */
export const LINK_KEYS = 'link_keys';
export const LINK_DIRECTORY = 'link_directory';

export interface LinkKeyDoc {
  _id: string;
  linkId: string;
}

export interface LinkEntry {
  /** campaignId */
  c: string;
  /** createdAt (ms) */
  t: number;
}

export interface LinkDirectoryDoc {
  _id: string;
  entries?: Record<string, LinkEntry>;
}

export const linkKey = (campaignId: string, affiliateId: string) => `${campaignId}|${affiliateId}`;
export const affiliateLinks = (affiliateId: string) => `aff:${affiliateId}`;
export const campaignLinks = (campaignId: string) => `camp:${campaignId}`;
export const linkKeys = (db: Db) => db.collection<LinkKeyDoc>(LINK_KEYS);
const directory = (db: Db) => db.collection<LinkDirectoryDoc>(LINK_DIRECTORY);

export interface CampaignLinkEntry {
  /** affiliateId */
  a: string;
  /** createdAt (ms) */
  t: number;
}

interface CampaignLinksDoc {
  _id: string;
  entries?: Record<string, CampaignLinkEntry>;
}

const campaignDirectory = (db: Db) => db.collection<CampaignLinksDoc>(LINK_DIRECTORY);


/** Lists a link in its affiliate's and its campaign's directory (before the link is stored). */
export async function putLinkEntry(db: Db, affiliateId: string, linkId: string, campaignId: string, createdAt: Date): Promise<void> {
  const entry: LinkEntry = { c: campaignId, t: createdAt.getTime() };
  const byCampaign: CampaignLinkEntry = { a: affiliateId, t: createdAt.getTime() };
  await Promise.all([
    upsertRetrying(() => directory(db).updateOne({ _id: affiliateLinks(affiliateId) }, { $set: { [`entries.${linkId}`]: entry } }, { upsert: true })),
    upsertRetrying(() => campaignDirectory(db).updateOne({ _id: campaignLinks(campaignId) }, { $set: { [`entries.${linkId}`]: byCampaign } }, { upsert: true })),
  ]);
}

/** Takes back an entry whose link was never stored under that id. */
export async function dropLinkEntry(db: Db, affiliateId: string, linkId: string): Promise<void> {
  await directory(db).updateOne({ _id: affiliateLinks(affiliateId) }, { $unset: { [`entries.${linkId}`]: '' } });
}

/** Links stored before the keys and directory existed are keyed and listed once per database (one scan, recorded in `migrations`). */
export function backfillLinks(db: Db): Promise<void> {
  return backfillOnce(db, 'link_directory', async () => {
    const cursor = db.collection<LinkDoc>('links').find({}, { projection: { campaignId: 1, affiliateId: 1, createdAt: 1 } });
    const byAffiliate = new Map<string, Record<string, LinkEntry>>();
    let keys: Array<{ updateOne: { filter: { _id: string }; update: { $set: { linkId: string } }; upsert: true } }> = [];
    const flushKeys = async () => {
      if (keys.length) await linkKeys(db).bulkWrite(keys, { ordered: false });
      keys = [];
    };
    for await (const l of cursor) {
      keys.push({ updateOne: { filter: { _id: linkKey(l.campaignId, l.affiliateId) }, update: { $set: { linkId: l._id } }, upsert: true } });
      if (keys.length === 50) await flushKeys();
      let set = byAffiliate.get(l.affiliateId);
      if (!set) byAffiliate.set(l.affiliateId, (set = {}));
      set[`entries.${l._id}`] = { c: l.campaignId, t: new Date(l.createdAt).getTime() };
    }
    await flushKeys();
    for (const [affiliateId, set] of byAffiliate) {
      const ks = Object.keys(set);
      for (let i = 0; i < ks.length; i += 500) {
        const slice = Object.fromEntries(ks.slice(i, i + 500).map((k) => [k, set[k]]));
        await upsertRetrying(() => directory(db).updateOne({ _id: affiliateLinks(affiliateId) }, { $set: slice }, { upsert: true }));
      }
    }
  });
}

/** Links stored before the campaigns' entries existed are listed once per database (one scan, recorded in `migrations`). */
export function backfillCampaignLinks(db: Db): Promise<void> {
  return backfillOnce(db, 'link_directory_campaigns', async () => {
    const byCampaign = new Map<string, Record<string, CampaignLinkEntry>>();
    for await (const l of db.collection<LinkDoc>('links').find({}, { projection: { campaignId: 1, affiliateId: 1, createdAt: 1 } })) {
      let set = byCampaign.get(l.campaignId);
      if (!set) byCampaign.set(l.campaignId, (set = {}));
      set[`entries.${l._id}`] = { a: l.affiliateId, t: new Date(l.createdAt).getTime() };
    }
    for (const [campaignId, set] of byCampaign) {
      const ks = Object.keys(set);
      for (let i = 0; i < ks.length; i += 500) {
        const slice = Object.fromEntries(ks.slice(i, i + 500).map((k) => [k, set[k]]));
        await upsertRetrying(() => campaignDirectory(db).updateOne({ _id: campaignLinks(campaignId) }, { $set: slice }, { upsert: true }));
      }
    }
  });
}

/** A campaign's link ids, oldest first (createdAt, then id): one read by `_id` (after the one-time backfill). */
export async function campaignLinkIds(db: Db, campaignId: string): Promise<string[]> {
  await backfillCampaignLinks(db);
  const doc = await campaignDirectory(db).findOne({ _id: campaignLinks(campaignId) });
  return Object.entries(doc?.entries ?? {})
    .sort(([ia, a], [ib, b]) => a.t - b.t || (ia < ib ? -1 : ia > ib ? 1 : 0))
    .map(([id]) => id);
}

/** The link id reserved for a campaign × affiliate, or null; one read by `_id` (after the one-time backfill). */
export async function reservedLinkId(db: Db, campaignId: string, affiliateId: string): Promise<string | null> {
  await backfillLinks(db);
  return (await linkKeys(db).findOne({ _id: linkKey(campaignId, affiliateId) }))?.linkId ?? null;
}

/** An affiliate's links by id: one read by `_id` (after the one-time backfill). */
export async function readLinkDirectory(db: Db, affiliateId: string): Promise<Array<[string, LinkEntry]>> {
  await backfillLinks(db);
  const doc = await directory(db).findOne({ _id: affiliateLinks(affiliateId) });
  return Object.entries(doc?.entries ?? {});
}

/** The page of an affiliate's links by createdAt, then id, in one direction (the MongoDB sort it replaces), and the total. */
export function pageOfLinks(entries: Array<[string, LinkEntry]>, dir: 1 | -1, page: number, limit: number): { ids: string[]; total: number } {
  const sorted = [...entries].sort(([ia, a], [ib, b]) => dir * (a.t - b.t || (ia < ib ? -1 : ia > ib ? 1 : 0)));
  const start = (page - 1) * limit;
  return { ids: sorted.slice(start, start + limit).map(([id]) => id), total: sorted.length };
}
