import type { ApiError } from '../api/client';
import type { LiveCounts, LiveMinute, LiveSnapshot, LiveUpdate } from '../api/types';

/**
 * Live counters on screen: a snapshot from GET /api/live, then Socket.IO
 * deltas added to the right minute and to today's totals. Pure, so the rules
 * (window sliding, day rollover, money per currency) are unit-tested.
 */
export interface LiveState {
  status: 'loading' | 'ready' | 'error';
  error: ApiError | null;
  minutes: LiveMinute[];
  today: LiveCounts;
  /** UTC day (YYYY-MM-DD) that `today` counts; the server's day buckets are UTC. */
  day: string;
  /** Bumped by every applied delta so the UI can flash a tick. */
  ticks: number;
}

export type LiveAction =
  | { type: 'loaded'; snapshot: LiveSnapshot; now: number }
  | { type: 'failed'; error: ApiError }
  | { type: 'delta'; update: LiveUpdate }
  | { type: 'advance'; now: number };

const MINUTE = 60_000;
export const WINDOW_MINUTES = 60;

export const emptyCounts = (): LiveCounts => ({ clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, money: {} });

export const initialLiveState = (): LiveState => ({ status: 'loading', error: null, minutes: [], today: emptyCounts(), day: '', ticks: 0 });

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const minuteStart = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

function addDelta(c: LiveCounts, u: LiveUpdate): LiveCounts {
  const d = u.delta;
  const money = { ...c.money };
  if (d.revenueCents || d.payoutCents) {
    const prev = money[u.currency];
    const payoutCents = (prev?.payoutCents ?? 0) + (d.payoutCents || 0);
    // The affiliate scope carries no revenue at all; it stays absent rather than becoming a made-up 0.
    money[u.currency] =
      d.revenueCents === undefined && prev?.revenueCents === undefined ? { payoutCents } : { revenueCents: (prev?.revenueCents ?? 0) + (d.revenueCents ?? 0), payoutCents };
  }
  return {
    clicks: c.clicks + (d.clicks || 0),
    uniqueClicks: c.uniqueClicks + (d.uniqueClicks || 0),
    invalidClicks: c.invalidClicks + (d.invalidClicks || 0),
    conversions: c.conversions + (d.conversions || 0),
    money,
  };
}

/** Slides the window so its newest minute is `toMinute`, filling new minutes with zeros. */
function slide(minutes: LiveMinute[], toMinute: number): LiveMinute[] {
  const size = minutes.length || WINDOW_MINUTES;
  const last = minutes.length ? Date.parse(minutes[minutes.length - 1]!.t) : toMinute - MINUTE;
  if (toMinute <= last) return minutes;
  const byTime = new Map(minutes.map((m) => [Date.parse(m.t), m]));
  const out: LiveMinute[] = [];
  for (let i = size - 1; i >= 0; i--) {
    const t = toMinute - i * MINUTE;
    out.push(byTime.get(t) ?? { t: new Date(t).toISOString(), ...emptyCounts() });
  }
  return out;
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'loaded': {
      const s = action.snapshot;
      return { status: 'ready', error: null, minutes: slide(s.minutes, minuteStart(action.now)), today: s.today, day: utcDay(action.now), ticks: state.ticks };
    }
    case 'failed':
      // A failed reload keeps the numbers already on screen.
      return state.status === 'ready' ? state : { ...state, status: 'error', error: action.error };
    case 'advance': {
      if (state.status !== 'ready') return state;
      const day = utcDay(action.now);
      const minutes = slide(state.minutes, minuteStart(action.now));
      const rolled = day > state.day;
      if (minutes === state.minutes && !rolled) return state;
      return { ...state, minutes, ...(rolled ? { day, today: emptyCounts() } : {}) };
    }
    case 'delta': {
      if (state.status !== 'ready') return state; // the snapshot that follows includes it
      const u = action.update;
      const at = Date.parse(u.minute);
      if (Number.isNaN(at)) return state;
      const minute = minuteStart(at);
      let { minutes, today, day } = state;
      minutes = slide(minutes, minute);
      minutes = minutes.map((m) => (Date.parse(m.t) === minute ? { ...addDelta(m, u), t: m.t } : m));
      const eventDay = utcDay(minute);
      if (eventDay > day) {
        day = eventDay;
        today = addDelta(emptyCounts(), u);
      } else if (eventDay === day) {
        today = addDelta(today, u);
      }
      return { ...state, minutes, today, day, ticks: state.ticks + 1 };
    }
  }
}

/** Today's money in one currency (0 when none was earned yet). */
export function moneyIn(c: LiveCounts, currency: string): { revenueCents: number; payoutCents: number } {
  const m = c.money[currency];
  return { revenueCents: m?.revenueCents ?? 0, payoutCents: m?.payoutCents ?? 0 };
}

export { addDelta as addLiveDelta };
