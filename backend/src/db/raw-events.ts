import type { Collection, Db } from 'mongodb';
import { clickIdTime } from '../domain/click-id';
import { isFerretDb } from './group-sum';
import { dayKey, dayKeyToMs } from '../domain/time-buckets';

/**
 * Raw clicks live in one collection per UTC day (`clicks_YYYYMMDD`), like a
 * ClickHouse partition: a rollup scans one day, retention drops whole days
 * (no TTL indexes needed), and a click id's time prefix names its partition,
 * so a postback finds its click by _id without a global index.
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
  /** Why a click is invalid: bot, no_user_agent, campaign_paused, campaign_archived, affiliate_inactive, cap_reached, budget_exhausted. */
  reason: string | null;
  sub1: string | null;
  sub2: string | null;
  sub3: string | null;
  sub4: string | null;
  sub5: string | null;
  visitor: string;
  ua: string;
  country: string | null;
  referer: string | null;
  deepLink: string | null;
  /** CPC value of this click (0 unless unique, valid and CPC). */
  revenueCents: number;
  payoutCents: number;
  currency: string;
}

export const CLICKS_PREFIX = 'clicks_';
export const clicksCollectionName = (day: string) => `${CLICKS_PREFIX}${day}`;

const ensured = new WeakMap<Db, Set<string>>();

const PARTITION_INDEXES = [{ hour: 1, campaignId: 1 }, { campaignId: 1, hour: 1 }, { affiliateId: 1, hour: 1 }] as const;

/** The partition for a UTC day, with its indexes created once per process. */
export async function clickPartition(db: Db, day: string): Promise<Collection<ClickDoc>> {
  const col = db.collection<ClickDoc>(clicksCollectionName(day));
  let set = ensured.get(db);
  if (!set) ensured.set(db, (set = new Set()));
  if (!set.has(day)) {
    // One index per command: FerretDB 1.24 drops the connection (a server-side panic) when a single
    // createIndexes names several indexes that all exist already, i.e. whenever a new process opens an old partition.
    // None on FerretDB: it reads a partition by scanning it whatever the indexes, which only slow its inserts.
    if (!(await isFerretDb(db))) for (const key of PARTITION_INDEXES) await col.createIndex(key);
    set.add(day);
  }
  return col;
}

export function forgetPartition(db: Db, day: string): void {
  ensured.get(db)?.delete(day);
}

/**
 * Clicks made by "send test postback". They live apart from the day
 * partitions, so no rollup, report or reconciliation ever counts them as
 * traffic; postbacks still find them by id.
 */
export const testClicks = (db: Db) => db.collection<ClickDoc>('test_clicks');

/** Looks a click up by id in the partition its id names (then among test clicks: only for ids not found, a rare path). */
export async function findClick(db: Db, clickId: string): Promise<ClickDoc | null> {
  const t = clickIdTime(clickId);
  if (t === null) return null;
  return (await db.collection<ClickDoc>(clicksCollectionName(dayKey(t))).findOne({ _id: clickId })) ?? (await testClicks(db).findOne({ _id: clickId }));
}

/** Day keys of the existing click partitions, oldest first. */
export async function listClickPartitions(db: Db): Promise<string[]> {
  const cols = await db.listCollections({}, { nameOnly: true }).toArray();
  return cols
    .map((c) => c.name)
    .filter((n) => n.startsWith(CLICKS_PREFIX) && /^\d{8}$/.test(n.slice(CLICKS_PREFIX.length)))
    .map((n) => n.slice(CLICKS_PREFIX.length))
    .sort();
}

export { dayKey, dayKeyToMs };
