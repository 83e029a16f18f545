import { isClean, type CleanState } from '../rollups/clean-frontier';
import { dayKey, dayStart, HOUR_MS, hourStart } from '../domain/time-buckets';

/** One UTC day of a report window: its hours that report documents answer, and whether that is the whole day. */
export interface DayPlan {
  day: string;
  start: number;
  cleanHours: number[];
  whole: boolean;
}

/** A UTC month wholly inside the window and wholly clean: one month document answers it. */
export interface MonthPlan {
  month: string;
  days: string[];
}

export interface ReadPlan {
  days: DayPlan[];
  months: MonthPlan[];
  /** Hours computed from raw events: not rolled after they ended, or marked dirty since. */
  rawHours: number[];
}

const daysInMonth = (ms: number) => new Date(Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth() + 1, 0)).getUTCDate();

/**
 * Which documents answer [from, to): clean hours from report documents, the
 * rest from raw events, except hours with no events possible: after the
 * current one, and before `eventsFrom` (the oldest raw partition) outside the
 * clean span (hours inside it stay readable after retention drops their partition).
 */
export function planRead(fromMs: number, toMs: number, nowMs: number, clean: CleanState, eventsFrom: number): ReadPlan {
  const lastHour = hourStart(nowMs);
  const days = new Map<string, DayPlan>();
  const rawHours: number[] = [];
  for (let h = hourStart(fromMs); h < toMs && h <= lastHour; h += HOUR_MS) {
    if (!isClean(clean, h)) {
      // Before the oldest raw partition and outside the clean span, an hour has no event to count (unless marked dirty).
      if (h >= eventsFrom || clean.dirty.has(h)) rawHours.push(h);
      continue;
    }
    const key = dayKey(h);
    let d = days.get(key);
    if (!d) days.set(key, (d = { day: key, start: dayStart(h), cleanHours: [], whole: false }));
    d.cleanHours.push(h);
  }
  for (const d of days.values()) d.whole = d.cleanHours.length === 24;
  return { days: [...days.values()], months: wholeMonths([...days.values()]), rawHours };
}

function wholeMonths(days: DayPlan[]): MonthPlan[] {
  const byMonth = new Map<string, DayPlan[]>();
  for (const d of days) byMonth.set(d.day.slice(0, 6), [...(byMonth.get(d.day.slice(0, 6)) ?? []), d]);
  const out: MonthPlan[] = [];
  for (const [month, list] of byMonth) {
    const first = list[0];
    if (first && list.length === daysInMonth(first.start) && list.every((d) => d.whole)) out.push({ month, days: list.map((d) => d.day) });
  }
  return out;
}
