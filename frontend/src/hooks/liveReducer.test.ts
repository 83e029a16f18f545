import { describe, expect, it } from 'vitest';
import type { LiveMinute, LiveSnapshot, LiveUpdate } from '../api/types';
import { initialLiveState, liveReducer, moneyIn, WINDOW_MINUTES, type LiveState } from './liveReducer';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 25, 12, 30, 20);
const minuteIso = (ms: number) => new Date(Math.floor(ms / MIN) * MIN).toISOString();

function snapshot(now = NOW, clicksAt: Record<number, number> = {}): LiveSnapshot {
  const last = Math.floor(now / MIN) * MIN;
  const minutes: LiveMinute[] = Array.from({ length: WINDOW_MINUTES }, (_, i) => {
    const t = last - (WINDOW_MINUTES - 1 - i) * MIN;
    return { t: new Date(t).toISOString(), clicks: clicksAt[i] ?? 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, money: {} };
  });
  return { scope: 'campaign', id: 'c1', minutes, today: { clicks: 10, uniqueClicks: 8, invalidClicks: 1, conversions: 2, money: { USD: { revenueCents: 2000, payoutCents: 1400 } } } };
}

const update = (at: number, delta: Partial<LiveUpdate['delta']>, currency = 'USD'): LiveUpdate => ({
  room: 'campaign:c1',
  scope: 'campaign',
  id: 'c1',
  minute: minuteIso(at),
  currency,
  delta: { clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, revenueCents: 0, payoutCents: 0, ...delta },
});

const loaded = (): LiveState => liveReducer(initialLiveState(), { type: 'loaded', snapshot: snapshot(), now: NOW });

describe('live counter reducer', () => {
  it('ignores deltas until the snapshot is loaded (the snapshot already contains them)', () => {
    const s = liveReducer(initialLiveState(), { type: 'delta', update: update(NOW, { clicks: 5 }) });
    expect(s.status).toBe('loading');
    expect(s.today.clicks).toBe(0);
  });

  it('adds a delta to its minute and to today, money per currency', () => {
    let s = loaded();
    s = liveReducer(s, { type: 'delta', update: update(NOW, { clicks: 3, uniqueClicks: 2 }) });
    s = liveReducer(s, { type: 'delta', update: update(NOW, { conversions: 1, revenueCents: 1050, payoutCents: 725 }) });
    s = liveReducer(s, { type: 'delta', update: update(NOW, { conversions: 1, revenueCents: 900, payoutCents: 500 }, 'EUR') });
    expect(s.today).toEqual({ clicks: 13, uniqueClicks: 10, invalidClicks: 1, conversions: 4, money: { USD: { revenueCents: 3050, payoutCents: 2125 }, EUR: { revenueCents: 900, payoutCents: 500 } } });
    const last = s.minutes.at(-1)!;
    expect(last.t).toBe(minuteIso(NOW));
    expect(last).toMatchObject({ clicks: 3, uniqueClicks: 2, conversions: 2, money: { USD: { revenueCents: 1050, payoutCents: 725 }, EUR: { revenueCents: 900, payoutCents: 500 } } });
    expect(s.minutes).toHaveLength(WINDOW_MINUTES);
    expect(s.ticks).toBe(3);
  });

  it('keeps the affiliate scope without revenue: its snapshot and deltas have none, and none is made up', () => {
    const affSnapshot: LiveSnapshot = { ...snapshot(), scope: 'affiliate', id: 'a1', today: { clicks: 1, uniqueClicks: 1, invalidClicks: 0, conversions: 1, money: { USD: { payoutCents: 700 } } } };
    let s = liveReducer(initialLiveState(), { type: 'loaded', snapshot: affSnapshot, now: NOW });
    const { revenueCents: _omitted, ...delta } = update(NOW, { conversions: 1, payoutCents: 300 }).delta;
    const u: LiveUpdate = { ...update(NOW, {}), room: 'affiliate:a1', scope: 'affiliate', id: 'a1', delta };
    s = liveReducer(s, { type: 'delta', update: u });
    s = liveReducer(s, { type: 'delta', update: { ...u, currency: 'EUR' } });
    expect(s.today.money).toEqual({ USD: { payoutCents: 1000 }, EUR: { payoutCents: 300 } });
    expect(s.minutes.at(-1)!.money).toEqual({ USD: { payoutCents: 300 }, EUR: { payoutCents: 300 } });
    expect(moneyIn(s.today, 'USD')).toEqual({ revenueCents: 0, payoutCents: 1000 });
  });

  it('puts a late delta into the older minute it belongs to', () => {
    let s = loaded();
    s = liveReducer(s, { type: 'delta', update: update(NOW - 5 * MIN, { clicks: 2 }) });
    expect(s.minutes.at(-6)).toMatchObject({ t: minuteIso(NOW - 5 * MIN), clicks: 2 });
    expect(s.minutes.at(-1)!.clicks).toBe(0);
    expect(s.today.clicks).toBe(12);
  });

  it('counts a delta older than the window in today only', () => {
    let s = loaded();
    const before = s.minutes;
    s = liveReducer(s, { type: 'delta', update: update(NOW - 90 * MIN, { clicks: 1 }) });
    expect(s.minutes).toEqual(before);
    expect(s.today.clicks).toBe(11);
  });

  it('slides the window when a delta arrives for a newer minute, keeping 60 minutes', () => {
    let s = liveReducer(initialLiveState(), { type: 'loaded', snapshot: snapshot(NOW, { 59: 4, 0: 9 }), now: NOW });
    s = liveReducer(s, { type: 'delta', update: update(NOW + 2 * MIN, { clicks: 1 }) });
    expect(s.minutes).toHaveLength(WINDOW_MINUTES);
    expect(s.minutes.at(-1)).toMatchObject({ t: minuteIso(NOW + 2 * MIN), clicks: 1 });
    expect(s.minutes.at(-2)!.clicks).toBe(0);
    expect(s.minutes.at(-3)).toMatchObject({ t: minuteIso(NOW), clicks: 4 });
    // The two oldest minutes (one of them with 9 clicks) fell out of the window.
    expect(s.minutes[0]!.t).toBe(minuteIso(NOW - 57 * MIN));
    expect(s.minutes.reduce((n, m) => n + m.clicks, 0)).toBe(5);
  });

  it('advances the window as time passes without events', () => {
    let s = loaded();
    s = liveReducer(s, { type: 'advance', now: NOW + 30 * 1000 });
    expect(s.minutes.at(-1)!.t).toBe(minuteIso(NOW + 30 * 1000));
    const same = liveReducer(s, { type: 'advance', now: NOW + 31 * 1000 });
    expect(same).toBe(s);
    s = liveReducer(s, { type: 'advance', now: NOW + 3 * 3600_000 });
    expect(s.minutes).toHaveLength(WINDOW_MINUTES);
    expect(s.minutes.every((m) => m.clicks === 0)).toBe(true);
  });

  it('starts a new day at UTC midnight: today resets, by time or by the first delta of the new day', () => {
    const lateNow = Date.UTC(2026, 10, 25, 23, 59, 30);
    const base = liveReducer(initialLiveState(), { type: 'loaded', snapshot: snapshot(lateNow), now: lateNow });
    const byTime = liveReducer(base, { type: 'advance', now: lateNow + 60_000 });
    expect(byTime.day).toBe('2026-11-26');
    expect(byTime.today).toEqual({ clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, money: {} });
    const byDelta = liveReducer(base, { type: 'delta', update: update(lateNow + 60_000, { clicks: 1 }) });
    expect(byDelta.day).toBe('2026-11-26');
    expect(byDelta.today.clicks).toBe(1);
    // A straggler from yesterday no longer changes today.
    const straggler = liveReducer(byDelta, { type: 'delta', update: update(lateNow, { clicks: 5 }) });
    expect(straggler.today.clicks).toBe(1);
  });

  it('keeps the numbers on screen when a reload fails, and shows the error when nothing was loaded', () => {
    const err = Object.assign(new Error('down'), { status: 503 }) as never;
    const s = loaded();
    expect(liveReducer(s, { type: 'failed', error: err })).toBe(s);
    const first = liveReducer(initialLiveState(), { type: 'failed', error: err });
    expect(first.status).toBe('error');
    expect(first.error).toBe(err);
  });

  it('replaces everything with a fresh snapshot (after a reconnect)', () => {
    let s = loaded();
    s = liveReducer(s, { type: 'delta', update: update(NOW, { clicks: 100 }) });
    s = liveReducer(s, { type: 'loaded', snapshot: snapshot(), now: NOW });
    expect(s.today.clicks).toBe(10);
  });
});
