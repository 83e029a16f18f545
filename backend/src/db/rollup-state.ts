import type { Db } from 'mongodb';
import { hourKey } from '../domain/time-buckets';

/**
 * What the rollups have done, per hour and per day. Analytics serve an hour
 * from `stats_hourly` only if it was rolled after it ended and is not dirty;
 * retention drops a raw partition only when all its hours are such.
 */
export interface RolledHourDoc {
  _id: string; // hourKey
  hour: Date;
  /** When the roll started reading raw events: events stored before this are in the rollup. */
  readAt: Date;
  /** When its rows were written. */
  writtenAt: Date;
  rows: number;
}

/**
 * An hour's stats_hourly row ids and their values' signatures, kept apart from
 * `rollup_hours` so range reads of the roll records stay small: the rollup
 * rewrites only rows whose signature changed.
 */
export interface HourRowsDoc {
  _id: string; // hourKey
  ids: string[];
  sigs: string[];
}

/**
 * An hour's dimension rows (country, device, OS, browser, sub2–sub5 per
 * campaign × affiliate × currency, encoded by `encodeDimRow`, sorted), from
 * which the report documents' breakdowns by those dimensions are built. Kept
 * apart from the row records, which settlement and reconciliation read too.
 */
export interface HourDimsDoc {
  _id: string; // hourKey
  rows: string[];
}

/** Raw click partitions dropped by retention: their hours keep their click counts from the rollup. */
export interface DroppedPartitionDoc {
  _id: string; // YYYYMMDD
  droppedAt: Date;
  clicks: number;
}

export const ROLLUP_HOURS = 'rollup_hours';
export const ROLLUP_HOUR_ROWS = 'rollup_hour_rows';
export const ROLLUP_HOUR_DIMS = 'rollup_hour_dims';
export const RAW_DROPPED = 'raw_dropped';

export const rolledHours = (db: Db) => db.collection<RolledHourDoc>(ROLLUP_HOURS);
export const hourRowRecords = (db: Db) => db.collection<HourRowsDoc>(ROLLUP_HOUR_ROWS);
export const hourDimRecords = (db: Db) => db.collection<HourDimsDoc>(ROLLUP_HOUR_DIMS);
export const droppedPartitions = (db: Db) => db.collection<DroppedPartitionDoc>(RAW_DROPPED);

export async function loadRolledHours(db: Db, fromMs: number, toMs: number): Promise<Map<number, RolledHourDoc>> {
  return new Map((await rolledHoursBetween(db, fromMs, toMs)).map((d) => [d.hour.getTime(), d]));
}

/** Roll records of the hours starting in [fromMs, toMs); either bound may be open. */
export async function rolledHoursBetween(db: Db, fromMs: number | null, toMs: number | null): Promise<RolledHourDoc[]> {
  const range: { $gte?: string; $lt?: string } = {};
  // Rounded up: an hour starting before fromMs is out, one starting before toMs is in.
  if (fromMs !== null) range.$gte = hourKey(fromMs + 3_599_999);
  if (toMs !== null) range.$lt = hourKey(toMs + 3_599_999);
  return rolledHours(db).find(fromMs === null && toMs === null ? {} : { _id: range }).toArray();
}

export async function loadDroppedDays(db: Db): Promise<Set<string>> {
  const docs = await droppedPartitions(db).find({}, { projection: { _id: 1 } }).toArray();
  return new Set(docs.map((d) => d._id));
}
