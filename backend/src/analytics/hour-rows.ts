import type { AppContext } from '../context';
import { statsHourly } from '../db/models/stats';
import { listDirtyHours } from '../db/rollup-dirty';
import { hourRowRecords, loadDroppedDays, loadRolledHours } from '../db/rollup-state';
import { METRIC_FIELDS, type MetricSums } from '../domain/metrics';
import { dayKey, HOUR_MS, hourKey, hourStart } from '../domain/time-buckets';
import { computeRawRows, type RawScope, type StatRow } from '../rollups/compute';
import { rowFromSignature } from '../rollups/hourly';

/** One hour × campaign × affiliate (× sub1) of a report, wherever it came from. */
export interface HourRow extends MetricSums {
  hour: number;
  campaignId: string;
  affiliateId: string;
  currency: string;
  sub1: string;
}

export interface HourRowsResult {
  rows: HourRow[];
  /** Hours served from raw events (not rolled up yet, dirty, or the current hour). */
  rawHours: number[];
}

/**
 * Hours that `stats_hourly` answers exactly: rolled after the hour ended and
 * not marked dirty since. Every other hour is computed from raw events.
 */
export async function cleanHours(ctx: AppContext, fromMs: number, toMs: number): Promise<Set<number>> {
  const [rolled, dirty] = await Promise.all([loadRolledHours(ctx.db, fromMs, toMs), listDirtyHours(ctx.db)]);
  const dirtySet = new Set(dirty.map((d) => d._id.getTime()));
  const clean = new Set<number>();
  for (const [h, r] of rolled) if (r.readAt.getTime() >= h + HOUR_MS && !dirtySet.has(h)) clean.add(h);
  return clean;
}

interface CacheEntry {
  at: number;
  rows: Promise<Map<string, StatRow>>;
}
const rawCaches = new WeakMap<AppContext, Map<string, CacheEntry>>();

/**
 * Raw rows of some hours of one UTC day, shared by every report for a few
 * seconds: FerretDB scans a whole day partition for any query, so concurrent
 * dashboards asking about the current hour cost one scan, not one each.
 */
function rawRowsCached(ctx: AppContext, hours: number[], ttlMs: number, droppedDays: ReadonlySet<string>): Promise<Map<string, StatRow>> {
  let cache = rawCaches.get(ctx);
  if (!cache) rawCaches.set(ctx, (cache = new Map()));
  const now = Date.now();
  for (const [k, e] of cache) if (now - e.at > ttlMs) cache.delete(k);
  const key = hours.join(',');
  const hit = cache.get(key);
  if (hit) return hit.rows;
  const rows = computeRawRows(ctx, hours, { droppedDays });
  if (ttlMs > 0) cache.set(key, { at: now, rows });
  rows.catch(() => cache.delete(key));
  return rows;
}

const PART_READ_CONCURRENCY = 24;

/**
 * Where clean hours are read from: `stats_hourly` (the default), or the
 * per-hour row records (`rollup_hour_rows`, fetched by `_id`). Measured on
 * FerretDB with 125k rows over 7 days, decoding the large per-hour records
 * was slower than scanning `stats_hourly`, so `parts` is opt-in.
 */
function useParts(ctx: AppContext): boolean {
  return ctx.config.ANALYTICS_ROLLUP_SOURCE === 'parts';
}

const projection = Object.fromEntries(['hour', 'campaignId', 'affiliateId', 'currency', 'sub1', ...METRIC_FIELDS].map((f) => [f, 1]));

/**
 * The report rows of [from, to): clean hours from `stats_hourly`, the rest
 * (up to now) from raw events, so numbers are fresh to the minute.
 */
export async function loadHourRows(
  ctx: AppContext,
  opts: { fromMs: number; toMs: number; nowMs: number; scope?: RawScope; rawCacheMs: number },
): Promise<HourRowsResult> {
  const fromMs = hourStart(opts.fromMs);
  const clean = await cleanHours(ctx, fromMs, opts.toMs);
  const filter: Record<string, unknown> = { hour: { $gte: new Date(fromMs), $lt: new Date(opts.toMs) } };
  if (opts.scope?.campaignId) filter.campaignId = opts.scope.campaignId;
  if (opts.scope?.affiliateId) filter.affiliateId = opts.scope.affiliateId;

  const rows: HourRow[] = [];
  if (clean.size > 0) {
    if (useParts(ctx)) {
      // One indexed lookup per hour instead of a scan of all of stats_hourly.
      const hours = [...clean].sort((a, b) => a - b);
      for (let i = 0; i < hours.length; i += PART_READ_CONCURRENCY) {
        const parts = await Promise.all(hours.slice(i, i + PART_READ_CONCURRENCY).map((h) => hourRowRecords(ctx.db).findOne({ _id: hourKey(h) })));
        for (const part of parts) {
          (part?.ids ?? []).forEach((id, k) => {
            const r = rowFromSignature(id, part?.sigs?.[k] ?? '');
            if (opts.scope?.campaignId && r.campaignId !== opts.scope.campaignId) return;
            if (opts.scope?.affiliateId && r.affiliateId !== opts.scope.affiliateId) return;
            rows.push(pick(r.hour, r));
          });
        }
      }
    } else {
      for await (const d of statsHourly(ctx.db).find(filter, { projection })) {
        const h = d.hour.getTime();
        if (!clean.has(h)) continue;
        rows.push(pick(h, d));
      }
    }
  }

  const rawHours: number[] = [];
  const lastHour = hourStart(opts.nowMs);
  for (let h = fromMs; h < opts.toMs && h <= lastHour; h += HOUR_MS) if (!clean.has(h)) rawHours.push(h);
  if (rawHours.length > 0) {
    const dropped = await loadDroppedDays(ctx.db);
    const byDay = new Map<string, number[]>();
    for (const h of rawHours) byDay.set(dayKey(h), [...(byDay.get(dayKey(h)) ?? []), h]);
    const parts = await Promise.all([...byDay.values()].map((hs) => rawRowsCached(ctx, hs, opts.rawCacheMs, dropped)));
    for (const part of parts) {
      for (const r of part.values()) {
        if (opts.scope?.campaignId && r.campaignId !== opts.scope.campaignId) continue;
        if (opts.scope?.affiliateId && r.affiliateId !== opts.scope.affiliateId) continue;
        rows.push(pick(r.hour, r));
      }
    }
  }
  return { rows, rawHours };
}

function pick(hour: number, d: MetricSums & { campaignId: string; affiliateId: string; currency: string; sub1?: string | null }): HourRow {
  const row = { hour, campaignId: d.campaignId, affiliateId: d.affiliateId, currency: d.currency, sub1: d.sub1 ?? '' } as HourRow;
  for (const f of METRIC_FIELDS) row[f] = d[f] ?? 0;
  return row;
}
