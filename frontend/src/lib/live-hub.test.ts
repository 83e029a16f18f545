import { describe, expect, it, vi } from 'vitest';
import type { LiveUpdate } from '../api/types';
import { LiveHub, type HubSocket } from './live-hub';

type Ack = (reply: { ok: boolean; error?: string }) => void;

/** A socket whose server side the test plays: it holds subscribe acks until answered. */
function fakeSocket() {
  const handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  const pending: Array<{ room: string; ack: Ack }> = [];
  const emitted: Array<[string, unknown]> = [];
  const socket = {
    connected: false,
    on(event: string, fn: (...args: unknown[]) => void) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(fn);
      return socket;
    },
    off(event: string, fn: (...args: unknown[]) => void) {
      handlers.get(event)?.delete(fn);
      return socket;
    },
    emit(event: string, payload: { room: string }, ack?: Ack) {
      emitted.push([event, payload]);
      if (event === 'subscribe' && ack) pending.push({ room: payload.room, ack });
      return socket;
    },
  };
  const fire = (event: string, ...args: unknown[]) => handlers.get(event)?.forEach((fn) => fn(...args));
  return {
    socket: socket as unknown as HubSocket,
    emitted,
    pending,
    connect() {
      socket.connected = true;
      fire('connect');
    },
    disconnect() {
      socket.connected = false;
      fire('disconnect');
    },
    answerAll(reply: { ok: boolean; error?: string } = { ok: true }) {
      for (const p of pending.splice(0)) p.ack(reply);
    },
    live(u: Partial<LiveUpdate>) {
      fire('live', u);
    },
  };
}

describe('live hub', () => {
  it('counts a room as subscribed only once the server acknowledged it, and tells watchers then', () => {
    const s = fakeSocket();
    const hub = new LiveHub(s.socket);
    const subscribed = vi.fn();
    hub.onSubscribed(subscribed);
    const updates: LiveUpdate[] = [];
    hub.watch('campaign:c1', (u) => updates.push(u));

    // Not connected yet: nothing asked, nothing subscribed.
    expect(s.emitted).toEqual([]);
    s.connect();
    expect(s.emitted).toEqual([['subscribe', { room: 'campaign:c1' }]]);
    expect(hub.isSubscribed('campaign:c1')).toBe(false);
    expect(subscribed).not.toHaveBeenCalled();

    s.answerAll();
    expect(hub.isSubscribed('campaign:c1')).toBe(true);
    expect(subscribed).toHaveBeenCalledWith('campaign:c1');

    s.live({ room: 'campaign:c1', delta: { clicks: 1, uniqueClicks: 1, invalidClicks: 0, conversions: 0, revenueCents: 0, payoutCents: 0 } });
    s.live({ room: 'campaign:other' });
    expect(updates).toHaveLength(1);
  });

  it('a refused subscription never counts as subscribed', () => {
    const s = fakeSocket();
    const hub = new LiveHub(s.socket);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const subscribed = vi.fn();
    hub.onSubscribed(subscribed);
    s.connect();
    hub.watch('campaign:nope', () => {});
    s.answerAll({ ok: false, error: 'not_found' });
    expect(hub.isSubscribed('campaign:nope')).toBe(false);
    expect(subscribed).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('a disconnect drops every subscription; the reconnect subscribes again and watchers hear of it once acknowledged', () => {
    const s = fakeSocket();
    const hub = new LiveHub(s.socket);
    const subscribed = vi.fn();
    hub.onSubscribed(subscribed);
    s.connect();
    hub.watch('admin', () => {});
    s.answerAll();
    expect(subscribed).toHaveBeenCalledTimes(1);

    s.disconnect();
    expect(hub.isSubscribed('admin')).toBe(false);
    s.connect();
    expect(s.emitted.filter(([e]) => e === 'subscribe')).toHaveLength(2);
    expect(hub.isSubscribed('admin')).toBe(false);
    s.answerAll();
    expect(hub.isSubscribed('admin')).toBe(true);
    expect(subscribed).toHaveBeenCalledTimes(2);
  });

  it('an acknowledgement arriving after the last watcher left is ignored', () => {
    const s = fakeSocket();
    const hub = new LiveHub(s.socket);
    const subscribed = vi.fn();
    hub.onSubscribed(subscribed);
    s.connect();
    const stop = hub.watch('affiliate:a1', () => {});
    stop();
    expect(s.emitted.at(-1)).toEqual(['unsubscribe', { room: 'affiliate:a1' }]);
    s.answerAll();
    expect(hub.isSubscribed('affiliate:a1')).toBe(false);
    expect(subscribed).not.toHaveBeenCalled();
  });
});
