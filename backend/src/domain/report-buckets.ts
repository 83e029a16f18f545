import { addSums, emptySums, type MetricSums } from './metrics';
import { HOUR_MS, hourStart, localDay, localDayStart } from './time-buckets';

export const GRANULARITIES = ['hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/**
 * Maps every UTC hour of a report window to its bucket. Day buckets in a time
 * zone are built from hourly buckets: an hour belongs to the local day its
 * start falls in, so DST days have 23 or 25 hours and nothing is split.
 * Bucket keys are the bucket's start instant (UTC ms).
 */
export class BucketIndex {
  readonly hours: number[] = [];
  readonly buckets: number[] = [];
  private readonly bucketOfHour = new Map<number, number>();

  constructor(
    readonly fromMs: number,
    readonly toMs: number,
    readonly granularity: Granularity,
    readonly tz: string,
  ) {
    let currentDay: string | null = null;
    let currentStart = 0;
    for (let h = hourStart(fromMs); h < toMs; h += HOUR_MS) {
      this.hours.push(h);
      let bucket = h;
      if (granularity === 'day') {
        const day = localDay(h, tz);
        if (day !== currentDay) {
          currentDay = day;
          // The first day of the window may have started before `from`.
          currentStart = this.buckets.length === 0 ? localDayStart(h, tz) : h;
        }
        bucket = currentStart;
      }
      if (this.buckets.at(-1) !== bucket) this.buckets.push(bucket);
      this.bucketOfHour.set(h, bucket);
    }
  }

  bucketOf(hourMs: number): number | undefined {
    return this.bucketOfHour.get(hourMs);
  }

  /** Local calendar day of a bucket ("2026-11-25"), for labels and CSV. */
  dayLabel(bucketMs: number): string {
    return localDay(bucketMs, this.tz);
  }
}

export interface HourlySums extends MetricSums {
  hour: number;
}

/** Sums rows into the window's buckets; every bucket is present (zeros where nothing happened). */
export function assembleSeries(index: BucketIndex, rows: Iterable<HourlySums>): Map<number, MetricSums> {
  const out = new Map<number, MetricSums>();
  for (const b of index.buckets) out.set(b, emptySums());
  for (const r of rows) {
    const b = index.bucketOf(r.hour);
    if (b === undefined) continue;
    addSums(out.get(b) as MetricSums, r);
  }
  return out;
}
