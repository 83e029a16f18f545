import type { Db } from 'mongodb';
import type { MemberEntry, ScopeDay } from '../domain/report-scopes';

/**
 * Pre-aggregated report documents, read only by `_id`:
 * - `report_days`   `<scopeKey>|<YYYYMMDD>`: per currency, 24 hourly slots and the day's totals per breakdown member
 *   (campaign, affiliate, campaign × affiliate: also per country, device, OS, browser and sub2–sub5 value, each
 *   with its hourly values too: domain/report-dim-days.ts);
 * - `report_months` `<scopeKey>|<YYYYMM>`: per day of the month (`d01`…`d31`) and currency, the day's totals and members;
 * - `report_manifests` `<YYYYMMDD>`: which scope documents a day has and their signatures, so a re-roll
 *   rewrites only what changed and deletes what no longer exists.
 * Built by the hourly rollup from its per-hour row records; never incremented, always replaced.
 */
export interface ReportDayDoc {
  _id: string;
  cur: Record<string, ScopeDay>;
}

/** A day of a month document, per currency: the day's totals (encoded like hourly slots) and members (without hours). */
export interface MonthDaySlot {
  t: string;
  b: MemberEntry[];
}

export interface ReportMonthDoc {
  _id: string;
  [day: `d${string}`]: Record<string, MonthDaySlot> | undefined;
}

export interface ReportManifestDoc {
  _id: string;
  scopes: string[];
  sigs: string[];
}

export const reportDays = (db: Db) => db.collection<ReportDayDoc>('report_days');
export const reportMonths = (db: Db) => db.collection<ReportMonthDoc>('report_months');
export const reportManifests = (db: Db) => db.collection<ReportManifestDoc>('report_manifests');

export const reportDayId = (scopeKey: string, day: string) => `${scopeKey}|${day}`;
export const reportMonthId = (scopeKey: string, day: string) => `${scopeKey}|${day.slice(0, 6)}`;
/** The field of a month document holding one day: `d05`. */
export const monthDayField = (day: string): `d${string}` => `d${day.slice(6, 8)}`;

/**
 * Every hour in [cleanFrom, cleanBefore) was rolled after it ended (except hours
 * marked dirty since): reports read those hours from report documents and
 * compute only the others from raw events. Advanced by the hourly rollup.
 */
export interface CleanFrontierDoc {
  _id: 'clean';
  cleanFrom: Date;
  cleanBefore: Date;
}

export const rollupFrontier = (db: Db) => db.collection<CleanFrontierDoc>('rollup_frontier');
