import crypto from 'node:crypto';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { AppContext } from '../context';
import { bulkWriteInChunks } from '../db/bulk-write';
import { monthDayField, reportDayId, reportDays, reportManifests, reportMonthId, reportMonths, type ReportDayDoc, type ReportMonthDoc } from '../db/report-docs';
import { hourDimRecords, hourRowRecords } from '../db/rollup-state';
import { addDimMembers } from '../domain/report-dim-days';
import { decodeDimRow, type DimRow } from '../domain/report-dims';
import { buildScopeDays, dayTotal, encodeVec, type GranularRow, type ScopeDay } from '../domain/report-scopes';
import { dayKeyToMs, HOUR_MS, hourKey } from '../domain/time-buckets';
import { waitForLock } from '../job-runs/lock';
import { rowFromSignature } from './row-signature';

const LOCK_TTL_MS = 60_000;
const LOCK_WAIT_MS = 5 * 60_000;

/** A UTC day's granular rows, from the 24 per-hour row records the hourly rollup keeps (read by `_id`). */
export async function dayRowsFromRecords(ctx: AppContext, day: string): Promise<GranularRow[]> {
  const start = dayKeyToMs(day);
  const records = await Promise.all(Array.from({ length: 24 }, (_, i) => hourRowRecords(ctx.db).findOne({ _id: hourKey(start + i * HOUR_MS) })));
  const rows: GranularRow[] = [];
  for (const rec of records) (rec?.ids ?? []).forEach((id, k) => rows.push(rowFromSignature(id, rec?.sigs?.[k] ?? '')));
  return rows;
}

/** A UTC day's dimension rows, from the 24 per-hour dimension records (read by `_id`). */
export async function dayDimRowsFromRecords(ctx: AppContext, day: string): Promise<DimRow[]> {
  const start = dayKeyToMs(day);
  const records = await Promise.all(Array.from({ length: 24 }, (_, i) => hourDimRecords(ctx.db).findOne({ _id: hourKey(start + i * HOUR_MS) })));
  return records.flatMap((rec, i) => (rec?.rows ?? []).map((line) => decodeDimRow(start + i * HOUR_MS, line)));
}

/** Campaign × sub1 is only ever read a day at a time (a breakdown member on a day read in part): no month documents. */
const hasMonths = (key: string): boolean => !key.startsWith('cs:');

const signatureOf = (cur: Record<string, ScopeDay>) => crypto.createHash('sha1').update(JSON.stringify(cur)).digest('base64url');

/** A day in a month document: its totals and members, without the members' hours (a month is read for whole days). */
function monthSlot(cur: Record<string, ScopeDay>) {
  return Object.fromEntries(Object.entries(cur).map(([c, d]) => [c, { t: encodeVec(dayTotal(d)), b: d.b.map(({ d: dim, k, v }) => ({ d: dim, k, v })) }]));
}

/**
 * Rewrites one UTC day's report documents (and that day's slot of each month
 * document) from the day's row records. Only scopes whose content changed are
 * written; scopes that no longer have rows are removed. One writer per day at
 * a time (a Redis lock): two rolls of different hours of the same day must
 * not leave the one that read the records first as the last writer.
 */
export async function writeReportDay(ctx: AppContext, day: string, signal?: AbortSignal): Promise<{ written: number; removed: number }> {
  const lock = await waitForLock(ctx.redis, ctx.keys.jobLock(`report-day:${day}`), { ttlMs: LOCK_TTL_MS, waitMs: LOCK_WAIT_MS, signal });
  try {
    const [rows, dimRows] = await Promise.all([dayRowsFromRecords(ctx, day), dayDimRowsFromRecords(ctx, day)]);
    const scopes = buildScopeDays(dayKeyToMs(day), rows);
    addDimMembers(scopes, dayKeyToMs(day), dimRows);
    const manifest = await reportManifests(ctx.db).findOne({ _id: day });
    const before = new Map((manifest?.scopes ?? []).map((s, i) => [s, manifest?.sigs[i] ?? '']));
    const dayOps: AnyBulkWriteOperation<ReportDayDoc>[] = [];
    const monthOps: AnyBulkWriteOperation<ReportMonthDoc>[] = [];
    const field = monthDayField(day);
    const sigs: string[] = [];
    for (const [key, { cur }] of scopes) {
      const sig = signatureOf(cur);
      sigs.push(sig);
      if (before.get(key) === sig) continue;
      dayOps.push({ replaceOne: { filter: { _id: reportDayId(key, day) }, replacement: { cur }, upsert: true } });
      if (hasMonths(key)) monthOps.push({ updateOne: { filter: { _id: reportMonthId(key, day) }, update: { $set: { [field]: monthSlot(cur) } }, upsert: true } });
    }
    const gone = [...before.keys()].filter((k) => !scopes.has(k));
    for (const key of gone) {
      dayOps.push({ deleteOne: { filter: { _id: reportDayId(key, day) } } });
      if (hasMonths(key)) monthOps.push({ updateOne: { filter: { _id: reportMonthId(key, day) }, update: { $unset: { [field]: '' } } } });
    }
    // Two collections, two locks on FerretDB: written side by side.
    await Promise.all([bulkWriteInChunks(reportDays(ctx.db), dayOps), bulkWriteInChunks(reportMonths(ctx.db), monthOps)]);
    // Last: a roll that stops before this rewrites the same documents next time.
    await reportManifests(ctx.db).replaceOne({ _id: day }, { scopes: [...scopes.keys()], sigs }, { upsert: true });
    return { written: dayOps.length - gone.length, removed: gone.length };
  } finally {
    await lock.release();
  }
}
