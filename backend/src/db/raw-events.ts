import type { Collection, Db } from 'mongodb';
import { clickIdTime } from '../domain/click-id';
import { isFerretDb } from './group-sum';
import { dayKey, dayKeyToMs, HOUR_MS } from '../domain/time-buckets';

/**
 * Raw clicks live in one collection per UTC hour (`clicks_YYYYMMDDHH`), like a
 * ClickHouse partition: rolling an hour or computing a fresh one reads that
 * hour only (FerretDB scans a whole collection for any filter), retention
 * drops whole days of partitions (no TTL indexes needed), and a click id's
 * time prefix names its partition, so a postback finds its click by _id
 * without a global index. Databases written before hourly partitions keep
 * their day partitions (`clicks_YYYYMMDD`), which are read the same way.
 */
export interface ClickDoc {
  _id: string; // click id
  ts: Date;
  hour: Date;
  linkId: string;
  campaignId: string;
  affiliateId: string;
  advertiserId: string;
  /** 0/1 flags so rollups can $sum them. */
  unique: 0 | 1;
  valid: 0 | 1;
  invalid: 0 | 1;
  /** Why a click is invalid: bot, no_user_agent, campaign_paused, campaign_archived, affiliate_inactive, advertiser_inactive, cap_reached, budget_exhausted. */
  reason: string | null;
  sub1: string | null;
  sub2: string | null;
  sub3: string | null;
  sub4: string | null;
  sub5: string | null;
  visitor: string;
  ua: string;
  /** ISO 3166-1 alpha-2, `ZZ` when unknown (older clicks may hold null). */
  country: string | null;
  /** desktop, mobile, tablet, tv, bot or unknown; OS and browser names (`unknown`); absent on clicks stored before classification. */
  device?: string;
  os?: string;
  browser?: string;
  referer: string | null;
  deepLink: string | null;
  /** CPC value of this click (0 unless unique, valid and CPC). */
  revenueCents: number;
  payoutCents: number;
  currency: string;
}

export const CLICKS_PREFIX = 'clicks_';
export const clicksCollectionName = (key: string) => `${CLICKS_PREFIX}${key}`;

/** The partition key of an instant: its UTC hour, `YYYYMMDDHH`. */
export const partitionKey = (ms: number): string => `${dayKey(ms)}${String(new Date(ms).getUTCHours()).padStart(2, '0')}`;

/** Where a partition's time span starts: an hour (`YYYYMMDDHH`) or, for older databases, a day (`YYYYMMDD`). */
export function partitionStart(key: string): number {
  return dayKeyToMs(key.slice(0, 8)) + (key.length === 10 ? Number(key.slice(8, 10)) * HOUR_MS : 0);
}

/** The UTC day a partition belongs to. */
export const partitionDay = (key: string): string => key.slice(0, 8);

/** Whether a partition holds a whole day (a day partition from before hourly ones). */
export const isDayPartition = (key: string): boolean => key.length === 8;

const ensured = new WeakMap<Db, Set<string>>();

const PARTITION_INDEXES = [{ hour: 1, campaignId: 1 }, { campaignId: 1, hour: 1 }, { affiliateId: 1, hour: 1 }] as const;

/** A partition (by key), with its indexes created once per process. */
export async function clickPartition(db: Db, key: string): Promise<Collection<ClickDoc>> {
  const col = db.collection<ClickDoc>(clicksCollectionName(key));
  let set = ensured.get(db);
  if (!set) ensured.set(db, (set = new Set()));
  if (!set.has(key)) {
    // One index per command: FerretDB 1.24 drops the connection (a server-side panic) when a single
    // createIndexes names several indexes that all exist already, i.e. whenever a new process opens an old partition.
    // None on FerretDB: it reads a partition by scanning it whatever the indexes, which only slow its inserts.
    if (!(await isFerretDb(db))) for (const key of PARTITION_INDEXES) await col.createIndex(key);
    set.add(key);
  }
  return col;
}

export function forgetPartition(db: Db, key: string): void {
  ensured.get(db)?.delete(key);
}

/**
 * Clicks made by "send test postback". They live apart from the day
 * partitions, so no rollup, report or reconciliation ever counts them as
 * traffic; postbacks still find them by id.
 */
export const testClicks = (db: Db) => db.collection<ClickDoc>('test_clicks');

/**
 * Looks a click up by id in the partition its id names; only for ids not
 * found there (a rare path), in the older day partition and among test clicks.
 */
export async function findClick(db: Db, clickId: string): Promise<ClickDoc | null> {
  const t = clickIdTime(clickId);
  if (t === null) return null;
  const inPartition = (key: string) => db.collection<ClickDoc>(clicksCollectionName(key)).findOne({ _id: clickId });
  return (await inPartition(partitionKey(t))) ?? (await inPartition(dayKey(t))) ?? (await testClicks(db).findOne({ _id: clickId }));
}

/** Keys of the existing click partitions, oldest first. */
export async function listClickPartitions(db: Db): Promise<string[]> {
  const cols = await db.listCollections({}, { nameOnly: true }).toArray();
  return cols
    .map((c) => c.name)
    .filter((n) => n.startsWith(CLICKS_PREFIX) && /^\d{8}(\d{2})?$/.test(n.slice(CLICKS_PREFIX.length)))
    .map((n) => n.slice(CLICKS_PREFIX.length))
    .sort((a, b) => partitionStart(a) - partitionStart(b) || a.length - b.length);
}

/** The partitions (keys) holding a UTC day's clicks, among `keys`. */
export const partitionsOfDay = (keys: Iterable<string>, day: string): string[] => [...keys].filter((k) => partitionDay(k) === day);

export { dayKey, dayKeyToMs };
