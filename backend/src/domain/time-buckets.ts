export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const hourStart = (ms: number): number => ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
export const dayStart = (ms: number): number => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
export const minuteStart = (ms: number): number => ms - (ms % 60_000);

/** UTC day key "20261125": names a raw-event partition and a daily rollup bucket. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/**
 * `YYYY-MM-DDTHH` (UTC): the `_id` of per-hour records. A string because the
 * MongoDB-wire servers we run on index string `_id`s best, and it sorts in
 * time order, so ranges are `$gte`/`$lt` on it.
 */
export function hourKey(ms: number): string {
  return new Date(hourStart(ms)).toISOString().slice(0, 13);
}

export function dayKeyToMs(key: string): number {
  return Date.UTC(Number(key.slice(0, 4)), Number(key.slice(4, 6)) - 1, Number(key.slice(6, 8)));
}

/** Hour starts in [from, to): from is rounded down, to is exclusive. */
export function hoursBetween(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let h = hourStart(fromMs); h < toMs; h += HOUR_MS) out.push(h);
  return out;
}

export function daysBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let d = dayStart(fromMs); d < toMs; d += DAY_MS) out.push(dayKey(d));
  return out;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Local calendar day ("2026-11-25") of an instant in a time zone. Daily
 * series in a zone are assembled from hourly buckets with this; in zones with
 * a non-whole-hour offset an hour bucket goes to the day its start falls in.
 */
export function localDay(ms: number, tz: string): string {
  let f = dayFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(tz, f);
  }
  return f.format(ms);
}

/** Start (UTC ms) of the local day containing ms in tz, found by probing hour boundaries. */
export function localDayStart(ms: number, tz: string): number {
  const day = localDay(ms, tz);
  let h = hourStart(ms);
  while (localDay(h - HOUR_MS, tz) === day) h -= HOUR_MS;
  return h;
}

/**
 * Start (UTC ms) of a calendar day ("2026-03-08") in tz: the first whole UTC
 * hour whose start falls on that local day, the same rule day buckets use
 * (so in zones with a half-hour offset it is the hour after local midnight).
 * Zones lie within UTC−12…+14, so it is found within 15 hours of UTC midnight.
 */
export function localDayStartOf(day: string, tz: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  let h = utcMidnight - 15 * HOUR_MS;
  // `>=`: a day skipped by its zone (Samoa, 2011-12-30) starts where the next one does.
  while (localDay(h, tz) < day && h < utcMidnight + 15 * HOUR_MS) h += HOUR_MS;
  return h;
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Local wall-clock time of an instant with its UTC offset ("2026-11-01 01:00 GMT-4"),
 * for labels: the offset tells apart the two 01:00s of a day when clocks go back.
 */
export function localTimeLabel(ms: number, tz: string): string {
  let f = timeFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', timeZoneName: 'shortOffset' });
    timeFormatters.set(tz, f);
  }
  const parts = f.formatToParts(ms);
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  return `${localDay(ms, tz)} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`;
}
