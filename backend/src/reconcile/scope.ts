import type { AppContext } from '../context';
import { listDirtyHours } from '../db/rollup-dirty';
import { loadDroppedDays, loadRolledHours } from '../db/rollup-state';
import { DAY_MS, dayKeyToMs, daysBetween, HOUR_MS } from '../domain/time-buckets';

/** An hour that ended this recently may still be waiting for its scheduled roll. */
const SETTLE_MS = HOUR_MS;

/** What a reconciliation of [fromMs, toMs) compares, and which hours it must leave out. */
export interface ReconcileScope {
  fromMs: number;
  toMs: number;
  nowMs: number;
  /** The UTC days (day keys) the range touches. */
  days: string[];
  /** Starts of the hours compared with the rollup. */
  hours: ReadonlySet<number>;
  /** Hours (ISO) waiting to be re-rolled: their rows are expected to differ until then. */
  dirtyHours: string[];
  settlingHours: string[];
  /** Days whose raw clicks retention dropped: what was rolled up for them is all there is. */
  dropped: ReadonlySet<string>;
}

/** Sorts the hours of [fromMs, toMs) (fromMs an hour start) into compared, dirty and settling. */
export async function reconcileScope(ctx: AppContext, fromMs: number, toMs: number, nowMs: number): Promise<ReconcileScope> {
  const [dirty, dropped] = await Promise.all([listDirtyHours(ctx.db), loadDroppedDays(ctx.db)]);
  const dirtySet = new Set(dirty.map((d) => d._id.getTime()));
  const rolled = await loadRolledHours(ctx.db, fromMs, toMs);
  const hours = new Set<number>();
  const dirtyHours: string[] = [];
  const settlingHours: string[] = [];
  for (let h = fromMs; h < toMs; h += HOUR_MS) {
    const iso = new Date(h).toISOString();
    const r = rolled.get(h);
    const completeRoll = r !== undefined && r.readAt.getTime() >= h + HOUR_MS;
    if (dirtySet.has(h)) dirtyHours.push(iso);
    else if (!completeRoll && h + HOUR_MS + SETTLE_MS > nowMs) settlingHours.push(iso);
    else hours.add(h);
  }
  return { fromMs, toMs, nowMs, days: daysBetween(fromMs, toMs), hours, dirtyHours, settlingHours, dropped };
}

/** Days of the range whose raw clicks were dropped, in order. */
export const droppedDaysOf = (scope: ReconcileScope): string[] => scope.days.filter((d) => scope.dropped.has(d));

/** Days all 24 hours of which were compared: only a whole day's report documents and click earnings can be checked. */
export const fullyComparedDays = (scope: ReconcileScope): string[] =>
  scope.days.filter((d) => Array.from({ length: 24 }, (_, i) => dayKeyToMs(d) + i * HOUR_MS).every((h) => scope.hours.has(h)));

/**
 * Days whose cap and budget counters can be checked: whole days of the range
 * that ended a while ago (postbacks and click batches of the current day may
 * still be in flight), except days whose raw clicks were dropped.
 */
export function counterDays(scope: ReconcileScope): string[] {
  const { fromMs, toMs, nowMs } = scope;
  const wholeDays = scope.days.filter((d) => dayKeyToMs(d) >= fromMs && dayKeyToMs(d) + DAY_MS <= toMs);
  return wholeDays.filter((d) => !scope.dropped.has(d) && dayKeyToMs(d) + DAY_MS + SETTLE_MS <= nowMs);
}
