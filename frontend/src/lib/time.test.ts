import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, presetRange, rangeToInstants, startOfDayIn, todayIn, zoneOffsetMs } from './time';

describe('calendar days in a time zone', () => {
  it('finds the UTC instant a day starts, across DST changes', () => {
    expect(startOfDayIn('2026-11-25', 'UTC').toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(startOfDayIn('2026-11-25', 'America/New_York').toISOString()).toBe('2026-11-25T05:00:00.000Z');
    expect(startOfDayIn('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    // The day DST starts in Europe begins before the switch (still UTC+1).
    expect(startOfDayIn('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDayIn('2026-11-25', 'Asia/Tokyo').toISOString()).toBe('2026-11-24T15:00:00.000Z');
    expect(startOfDayIn('2026-11-25', 'Asia/Kolkata').toISOString()).toBe('2026-11-24T18:30:00.000Z');
    expect(zoneOffsetMs(Date.UTC(2026, 0, 1), 'Asia/Kolkata')).toBe(5.5 * 3600_000);
  });

  it('turns inclusive day ranges into the API’s half-open instants', () => {
    expect(rangeToInstants({ from: '2026-11-19', to: '2026-11-25' }, 'America/New_York')).toEqual({ from: '2026-11-19T05:00:00.000Z', to: '2026-11-26T05:00:00.000Z' });
    expect(daysBetween({ from: '2026-11-19', to: '2026-11-25' })).toBe(7);
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('computes presets from today in the chosen zone', () => {
    const now = Date.UTC(2026, 10, 25, 2, 0); // still Nov 24 in New York
    expect(todayIn('UTC', now)).toBe('2026-11-25');
    expect(todayIn('America/New_York', now)).toBe('2026-11-24');
    expect(presetRange('today', 'America/New_York', now)).toEqual({ from: '2026-11-24', to: '2026-11-24' });
    expect(presetRange('yesterday', 'UTC', now)).toEqual({ from: '2026-11-24', to: '2026-11-24' });
    expect(presetRange('7d', 'UTC', now)).toEqual({ from: '2026-11-19', to: '2026-11-25' });
    expect(presetRange('30d', 'UTC', now)).toEqual({ from: '2026-10-27', to: '2026-11-25' });
    expect(presetRange('month', 'UTC', now)).toEqual({ from: '2026-11-01', to: '2026-11-25' });
  });
});
