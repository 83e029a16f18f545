import type { Socket } from 'socket.io-client';
import type { LiveUpdate } from '../api/types';

type Listener = (u: LiveUpdate) => void;

/** The part of a Socket.IO client socket the hub uses (a fake in unit tests). */
export type HubSocket = Pick<Socket, 'connected' | 'on' | 'off' | 'emit'>;

/**
 * Room bookkeeping over one Socket.IO connection: several components may
 * watch the same room, the server is asked once, and every (re)connect
 * subscribes again to every watched room — Socket.IO forgets rooms on reconnect.
 * A room counts as subscribed only once the server acknowledged it: deltas
 * sent before that are lost, so watchers reload their snapshot at that point.
 */
export class LiveHub {
  private rooms = new Map<string, Set<Listener>>();
  private acknowledged = new Set<string>();
  private subscribedListeners = new Set<(room: string) => void>();

  constructor(private readonly socket: HubSocket) {
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('live', this.onLive);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** True once the server confirmed the subscription on the current connection. */
  isSubscribed(room: string): boolean {
    return this.acknowledged.has(room);
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
        this.acknowledged.delete(room);
        if (this.socket.connected) this.socket.emit('unsubscribe', { room });
      }
    };
  }

  /**
   * Called each time the server acknowledges a room, after the first connect
   * and after every reconnect: time to reload snapshots, since deltas sent
   * while the room was not subscribed never arrive.
   */
  onSubscribed(fn: (room: string) => void): () => void {
    this.subscribedListeners.add(fn);
    return () => this.subscribedListeners.delete(fn);
  }

  close(): void {
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('live', this.onLive);
  }

  private emitSubscribe(room: string): void {
    this.socket.emit('subscribe', { room }, (ack: { ok: boolean; error?: string } | undefined) => {
      if (!ack?.ok) {
        console.warn(`live updates for ${room} refused: ${ack?.error ?? 'unknown reason'}`);
        return;
      }
      if (!this.rooms.has(room) || !this.socket.connected) return;
      this.acknowledged.add(room);
      for (const fn of this.subscribedListeners) fn(room);
    });
  }

  private onConnect = () => {
    for (const room of this.rooms.keys()) this.emitSubscribe(room);
  };

  private onDisconnect = () => {
    this.acknowledged.clear();
  };

  private onLive = (u: LiveUpdate) => {
    const set = u && typeof u.room === 'string' ? this.rooms.get(u.room) : undefined;
    if (set) for (const fn of set) fn(u);
  };
}

export { roomFor } from '@offerly/contract';
