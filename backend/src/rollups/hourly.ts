import type { AnyBulkWriteOperation } from 'mongodb';
import type { AppContext } from '../context';
import { STAT_VALUE_FIELDS, statsHourly, type HourlyStatDoc } from '../db/models/stats';
import { bulkWriteInChunks } from '../db/bulk-write';
import { insertNew } from '../db/insert-new';
import { isDayPartition, listClickPartitions, partitionStart } from '../db/raw-events';
import { clearDirtyHour, listDirtyHours } from '../db/rollup-dirty';
import { hourDimRecords, hourRowRecords, loadDroppedDays, rolledHours } from '../db/rollup-state';
import { rolledFrom } from '../payouts/settle-frontier';
import { dayKey, HOUR_MS, hourKey, hourStart } from '../domain/time-buckets';
import { computeRawRows, groupConversions, hourlyStatId, type StatRow } from './compute';
import { capDimRows, encodeDimRow, HOUR_MEMBER_CAP, type DimRow } from '../domain/report-dims';
import { signature } from './row-signature';
import { writeReportDay } from './report-days';
import { advanceCleanFrontier, readCleanState } from './clean-frontier';
import { faultPoint } from '../fault-points';

export interface RollupCounts {
  hours: number;
  rows: number;
  written: number;
  deleted: number;
  clicks: number;
  conversions: number;
  /** Report documents (scope × day) rewritten. */
  reportDocs: number;
  [k: string]: number;
}

export interface RollProgress {
  day: string;
  doneHours: number;
  totalHours: number;
  rows: number;
}

const INSERT_CHUNK = 1000;

function toDoc(id: string, r: StatRow): HourlyStatDoc {
  const doc = { _id: id, hour: new Date(r.hour), day: dayKey(r.hour), campaignId: r.campaignId, affiliateId: r.affiliateId, advertiserId: r.advertiserId, currency: r.currency, sub1: r.sub1 } as HourlyStatDoc;
  for (const f of STAT_VALUE_FIELDS) doc[f] = r[f];
  return doc;
}

/** UTC days whose conversions are read together (one conversions scan); bounds what is held in memory. */
export const ROLL_SPAN_DAYS = 7;

/** Sorted hours grouped by UTC day, the days cut into runs of at most `maxDays`. */
export function daySpans(sortedHours: number[], maxDays: number): Array<Array<{ day: string; hours: number[] }>> {
  const days: Array<{ day: string; hours: number[] }> = [];
  for (const h of sortedHours) {
    const day = dayKey(h);
    const last = days[days.length - 1];
    if (last?.day === day) last.hours.push(h);
    else days.push({ day, hours: [h] });
  }
  const spans: Array<Array<{ day: string; hours: number[] }>> = [];
  for (let i = 0; i < days.length; i += maxDays) spans.push(days.slice(i, i + maxDays));
  return spans;
}

/**
 * Replaces each hour's dimension record with its rows (capped per campaign ×
 * affiliate × dimension), writing only records whose content changed.
 */
async function writeDimRecords(ctx: AppContext, hours: number[], dims: DimRow[], force: boolean): Promise<void> {
  const perHour = new Map<number, string[]>(hours.map((h) => [h, []]));
  for (const r of capDimRows(dims, HOUR_MEMBER_CAP)) perHour.get(r.hour)?.push(encodeDimRow(r));
  const before = force ? [] : await Promise.all(hours.map((h) => hourDimRecords(ctx.db).findOne({ _id: hourKey(h) })));
  const ops = hours.flatMap((h, i) => {
    const rows = (perHour.get(h) ?? []).sort();
    const prev = before[i]?.rows ?? (force ? undefined : []);
    if (prev && prev.length === rows.length && prev.every((x, k) => x === rows[k])) return [];
    return [{ replaceOne: { filter: { _id: hourKey(h) }, replacement: { rows }, upsert: true } }];
  });
  await bulkWriteInChunks(hourDimRecords(ctx.db), ops);
}

/**
 * Replaces what `stats_hourly` holds for one UTC day's `hours` with `rows`
 * and records, per hour, the rows written and when the events were read.
 */
async function writeDayRows(
  ctx: AppContext,
  hours: number[],
  rows: Map<string, StatRow>,
  o: { readAt: Date; force: boolean },
  counts: RollupCounts,
): Promise<void> {
  const col = statsHourly(ctx.db);
  // What each hour holds now, from the roll records (read by hour, not by scanning stats_hourly);
  // a forced roll (backfill, repair) instead lists the rows actually stored and rewrites all of them.
  const previous = new Map<string, string>();
  if (o.force) {
    for (const d of await col.find({ hour: { $in: hours.map((h) => new Date(h)) } }, { projection: { _id: 1 } }).toArray()) previous.set(d._id, '');
  } else {
    // One lookup per hour by _id: the only kind of query FerretDB answers from an index.
    const parts = await Promise.all(hours.map((h) => hourRowRecords(ctx.db).findOne({ _id: hourKey(h) })));
    for (const r of parts) (r?.ids ?? []).forEach((id, i) => previous.set(id, r?.sigs?.[i] ?? ''));
  }

  const ops: AnyBulkWriteOperation<HourlyStatDoc>[] = [];
  // Rows the roll records do not know are new: inserted, which costs a fraction of an upsert on FerretDB.
  const fresh: HourlyStatDoc[] = [];
  const perHour = new Map<number, { ids: string[]; sigs: string[] }>(hours.map((h) => [h, { ids: [], sigs: [] }]));
  for (const [id, r] of rows) {
    const sig = signature(r);
    const list = perHour.get(r.hour);
    list?.ids.push(id);
    list?.sigs.push(sig);
    if (!o.force && !previous.has(id)) fresh.push(toDoc(id, r));
    else if (o.force || previous.get(id) !== sig) ops.push({ replaceOne: { filter: { _id: id }, replacement: toDoc(id, r), upsert: true } });
    counts.clicks += r.clicks;
    counts.conversions += r.approvedConversions + r.pendingConversions + r.rejectedConversions;
  }
  let inserted = 0;
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const chunk = fresh.slice(i, i + INSERT_CHUNK);
    const res = await insertNew(col, chunk);
    inserted += res.stored;
    // Present after all (a roll that stopped before writing its records): replaced instead.
    for (const k of res.existing) {
      const doc = chunk[k];
      if (doc) ops.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
    }
  }
  await bulkWriteInChunks(col, ops);
  counts.written += ops.length + inserted;
  // One delete by _id each (a `$in` would read the whole collection on FerretDB).
  const stale = [...previous.keys()].filter((id) => !rows.has(id));
  counts.deleted += (await bulkWriteInChunks(col, stale.map((id) => ({ deleteOne: { filter: { _id: id } } })))).deletedCount;
  await faultPoint('rollup:day-rows-written');

  await bulkWriteInChunks(
    hourRowRecords(ctx.db),
    hours.map((h) => ({ replaceOne: { filter: { _id: hourKey(h) }, replacement: { ids: perHour.get(h)?.ids ?? [], sigs: perHour.get(h)?.sigs ?? [] }, upsert: true } })),
  );
  const writtenAt = new Date();
  // Before the records: click settlement must look at these days from now on.
  if (hours.length) await rolledFrom(ctx.db, Math.min(...hours));
  await bulkWriteInChunks(
    rolledHours(ctx.db),
    hours.map((h) => ({
      replaceOne: { filter: { _id: hourKey(h) }, replacement: { hour: new Date(h), readAt: o.readAt, writtenAt, rows: perHour.get(h)?.ids.length ?? 0 }, upsert: true },
    })),
  );
}

/**
 * Re-aggregates the given hours from raw events into `stats_hourly`. Each
 * hour's rows are replaced (never incremented) and rows that no longer exist
 * are deleted, so rolling an hour twice, or late, changes nothing that was
 * right; rows whose values did not change are not rewritten (`force`
 * rewrites every row and also removes rows the roll records do not know). Dirty marks read before the roll are cleared only if unchanged.
 * Hours are rolled one UTC day (one raw partition scan) at a time; the
 * conversions of up to `ROLL_SPAN_DAYS` days are read in one query (on
 * FerretDB every conversions query reads the whole collection).
 */
export async function rollHours(
  ctx: AppContext,
  hours: number[],
  opts: { onProgress?: (p: RollProgress) => void; signal?: AbortSignal; force?: boolean } = {},
): Promise<RollupCounts> {
  const counts: RollupCounts = { hours: 0, rows: 0, written: 0, deleted: 0, clicks: 0, conversions: 0, reportDocs: 0 };
  const sorted = [...new Set(hours.map(hourStart))].sort((a, b) => a - b);
  const dropped = await loadDroppedDays(ctx.db);
  const legacyDays = new Set((await listClickPartitions(ctx.db)).filter(isDayPartition));

  for (const span of daySpans(sorted, ROLL_SPAN_DAYS)) {
    opts.signal?.throwIfAborted();
    // Read before the events, for the whole span: what changes after this shows up as a dirty mark or a later roll.
    const readAt = new Date();
    const dirtyMarks = await listDirtyHours(ctx.db);
    const conversions = await groupConversions(ctx, span.flatMap((d) => d.hours));
    for (const { day, hours: dayHours } of span) {
      opts.signal?.throwIfAborted();
      const wanted = new Set(dayHours);
      const { rows, dims } = await computeRawRows(ctx, dayHours, { droppedDays: dropped, conversions, legacyDays });
      // Before the row records: the roll records written with them say the hour is complete.
      await writeDimRecords(ctx, dayHours, dims, opts.force ?? false);
      await writeDayRows(ctx, dayHours, rows, { readAt, force: opts.force ?? false }, counts);
      // Before the dirty marks are cleared: until then readers compute these hours from raw events.
      counts.reportDocs += (await writeReportDay(ctx, day, opts.signal)).written;
      for (const d of dirtyMarks) if (wanted.has(d._id.getTime())) await clearDirtyHour(ctx.db, d._id, d.v);
      counts.hours += dayHours.length;
      counts.rows += rows.size;
      opts.onProgress?.({ day, doneHours: counts.hours, totalHours: sorted.length, rows: counts.rows });
    }
  }
  await advanceCleanFrontier(ctx);
  return counts;
}

/** Past hours a scheduled run catches up at most (newest first); the rest are left to the next runs. */
export const MAX_CATCH_UP_HOURS_PER_RUN = 7 * 24;

/**
 * Hours the scheduled rollup rolls: the current hour, the last `lookback`
 * hours, every dirty hour, and up to `maxCatchUp` of the newest hours that
 * were never rolled after they ended (downtime, a crash, a roll that failed),
 * from the start of the oldest raw click partition still stored on. That
 * bound reaches every hole whose raw clicks exist, however old (retention
 * keeps a partition until its day is rolled). Hours inside the clean span are
 * complete by construction; only those outside it are looked up, by `_id`.
 */
export async function hoursToRoll(ctx: AppContext, nowMs: number, lookbackHours: number, opts: { maxCatchUp?: number } = {}): Promise<number[]> {
  const current = hourStart(nowMs);
  const hours = new Set<number>();
  for (let i = 0; i <= lookbackHours; i++) hours.add(current - i * HOUR_MS);
  for (const d of await listDirtyHours(ctx.db)) {
    if (d._id.getTime() <= current) hours.add(d._id.getTime());
  }
  const [oldest] = await listClickPartitions(ctx.db);
  if (oldest === undefined) return [...hours].sort((a, b) => a - b);
  const clean = await readCleanState(ctx);
  const candidates: number[] = [];
  for (let h = current - HOUR_MS; h >= partitionStart(oldest); h -= HOUR_MS) if (!hours.has(h) && (h < clean.cleanFrom || h >= clean.cleanBefore)) candidates.push(h);
  let left = opts.maxCatchUp ?? MAX_CATCH_UP_HOURS_PER_RUN;
  for (let i = 0; i < candidates.length && left > 0; i += 24) {
    const batch = candidates.slice(i, i + 24);
    const records = await Promise.all(batch.map((h) => rolledHours(ctx.db).findOne({ _id: hourKey(h) })));
    batch.forEach((h, k) => {
      const r = records[k];
      if (left > 0 && !(r && r.readAt.getTime() >= h + HOUR_MS)) {
        hours.add(h);
        left -= 1;
      }
    });
  }
  return [...hours].sort((a, b) => a - b);
}

export { hourlyStatId };
