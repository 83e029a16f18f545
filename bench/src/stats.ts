/**
 * Pure helpers of the benchmark suite: percentiles, ratios and the summary of
 * one load-generator run. Nothing here does I/O, so tests cover it directly.
 */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Rounds to `digits` decimals; keeps null as null. */
export function round(n: number | null, digits = 2): number | null {
  if (n === null || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** a / b rounded to 3 decimals; null when either side is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return round(a / b, 3);
}

/** The fields of an autocannon result this suite reads (a subset of `autocannon.Result`). */
export interface LoadResultLike {
  duration: number;
  connections: number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
}

export interface LoadSummary {
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number | null };
  responses: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  errors: number;
  timeouts: number;
}

/**
 * One run of the load generator. req/s is completed requests over the
 * measured wall time, so a run cut short by errors does not look faster.
 */
export function summarizeLoad(r: LoadResultLike): LoadSummary {
  return {
    connections: r.connections,
    durationS: round(r.duration, 2) ?? 0,
    requests: r.requests.total,
    requestsPerSec: r.duration > 0 ? Math.round(r.requests.total / r.duration) : 0,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, mean: round(r.latency.average, 2) },
    responses: { '2xx': r['2xx'], '3xx': r['3xx'], '4xx': r['4xx'], '5xx': r['5xx'] },
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

/** p50/p99/max of latency samples in ms, with the sample count. */
export function latencySummary(samplesMs: readonly number[]): { p50Ms: number | null; p99Ms: number | null; maxMs: number | null; samples: number } {
  return {
    p50Ms: round(percentile(samplesMs, 50), 1),
    p99Ms: round(percentile(samplesMs, 99), 1),
    maxMs: round(percentile(samplesMs, 100), 1),
    samples: samplesMs.length,
  };
}

/** The click id an Offerly redirect carries in `?c=` (the bench campaign's destination is `…/?c={click_id}`). */
export function clickIdFromLocation(location: string | null | undefined): string | null {
  if (!location) return null;
  try {
    return new URL(location).searchParams.get('c');
  } catch {
    return null;
  }
}
