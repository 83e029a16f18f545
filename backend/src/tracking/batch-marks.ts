/**
 * How long a click batch's side effects stay marked as applied. A copy of a
 * batch (a late enqueue plus its spooled twin, a stalled job run again, a
 * replay resumed after a crash) arrives within minutes; two hours also
 * outlives the per-minute live buckets it feeds.
 */
export const BATCH_MARK_TTL_S = 2 * 3600;
