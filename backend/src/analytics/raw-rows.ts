import type { AppContext } from '../context';
import { listClickPartitions, partitionStart } from '../db/raw-events';
import { loadDroppedDays } from '../db/rollup-state';
import { dayKey } from '../domain/time-buckets';
import type { DimRow } from '../domain/report-dims';
import { computeRawRows, type RawHours, type StatRow } from '../rollups/compute';

interface CacheEntry {
  at: number;
  rows: Promise<RawHours>;
}
const rawCaches = new WeakMap<AppContext, Map<string, CacheEntry>>();

/**
 * Raw rows of some hours of one UTC day, shared by every report for a few
 * seconds: FerretDB scans a whole day partition for any query, so concurrent
 * dashboards asking about the current hour cost one scan, not one each.
 */
function rawRowsCached(ctx: AppContext, hours: number[], ttlMs: number, droppedDays: ReadonlySet<string>): Promise<RawHours> {
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

/**
 * The granular rows (hour × campaign × affiliate × sub1) and the dimension
 * rows of hours that report documents do not answer yet: the current hour,
 * hours not rolled since they ended, hours marked dirty. Computed from raw
 * events one UTC day at a time, both from the same read.
 */
export async function loadRawRows(ctx: AppContext, hours: number[], cacheMs: number): Promise<{ rows: StatRow[]; dims: DimRow[] }> {
  if (hours.length === 0) return { rows: [], dims: [] };
  const dropped = await loadDroppedDays(ctx.db);
  const byDay = new Map<string, number[]>();
  for (const h of hours) byDay.set(dayKey(h), [...(byDay.get(dayKey(h)) ?? []), h]);
  const parts = await Promise.all([...byDay.values()].map((hs) => rawRowsCached(ctx, hs, cacheMs, dropped)));
  return { rows: parts.flatMap((p) => [...p.rows.values()]), dims: parts.flatMap((p) => p.dims) };
}

const oldestCache = new WeakMap<AppContext, { at: number; value: Promise<number> }>();

/**
 * Where raw events start: the oldest click partition's start (no partition:
 * +Infinity). Listing collections costs more the more partitions there are,
 * so it is shared for `cacheMs` like the raw rows.
 */
export function oldestEventHour(ctx: AppContext, cacheMs: number): Promise<number> {
  const hit = oldestCache.get(ctx);
  if (hit && Date.now() - hit.at < cacheMs) return hit.value;
  const value = listClickPartitions(ctx.db).then(([oldest]) => (oldest === undefined ? Number.POSITIVE_INFINITY : partitionStart(oldest)));
  value.catch(() => oldestCache.delete(ctx));
  oldestCache.set(ctx, { at: Date.now(), value });
  return value;
}
