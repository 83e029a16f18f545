import type { Socket } from 'socket.io-client';
import type { LiveUpdate } from '../api/types';

type Listener = (u: LiveUpdate) => void;

/**
 * Room bookkeeping over one Socket.IO connection: several components may
 * watch the same room, the server is asked once, and every (re)connect
 * subscribes again to every watched room — Socket.IO forgets rooms on reconnect.
 */
export class LiveHub {
  private rooms = new Map<string, Set<Listener>>();
  private connectListeners = new Set<() => void>();

  constructor(private readonly socket: Socket) {
    socket.on('connect', this.onConnect);
    socket.on('live', this.onLive);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  watch(room: string, listener: Listener): () => void {
    let set = this.rooms.get(room);
    if (!set) {
      set = new Set();
      this.rooms.set(room, set);
      if (this.socket.connected) this.emitSubscribe(room);
    }
    set.add(listener);
    return () => {
      const s = this.rooms.get(room);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) {
        this.rooms.delete(room);
        if (this.socket.connected) this.socket.emit('unsubscribe', { room });
      }
    };
  }

  /** Called after every (re)connect, once rooms are re-subscribed: time to reload snapshots. */
  onReconnect(fn: () => void): () => void {
    this.connectListeners.add(fn);
    return () => this.connectListeners.delete(fn);
  }

  close(): void {
    this.socket.off('connect', this.onConnect);
    this.socket.off('live', this.onLive);
  }

  private emitSubscribe(room: string): void {
    this.socket.emit('subscribe', { room }, (ack: { ok: boolean; error?: string } | undefined) => {
      if (ack && !ack.ok) console.warn(`live updates for ${room} refused: ${ack.error ?? 'unknown reason'}`);
    });
  }

  private onConnect = () => {
    for (const room of this.rooms.keys()) this.emitSubscribe(room);
    for (const fn of this.connectListeners) fn();
  };

  private onLive = (u: LiveUpdate) => {
    const set = u && typeof u.room === 'string' ? this.rooms.get(u.room) : undefined;
    if (set) for (const fn of set) fn(u);
  };
}

export const roomFor = (scope: 'platform' | 'campaign' | 'affiliate', id: string) => (scope === 'platform' ? 'admin' : `${scope}:${id}`);
