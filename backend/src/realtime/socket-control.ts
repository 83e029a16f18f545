import type { Emitter } from '@socket.io/redis-emitter';
import type { AppContext } from '../context';
import { createLiveEmitter } from './live-counters';

/**
 * Private rooms every socket joins when it connects, so that any process can
 * close a session's or a user's sockets on every API instance (the Redis
 * adapter carries the request). Clients cannot subscribe to or leave them.
 */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (jti: string) => `session:${jti}`;

const emitters = new WeakMap<AppContext, Emitter>();

function emitterOf(ctx: AppContext): Emitter {
  let e = emitters.get(ctx);
  if (!e) emitters.set(ctx, (e = createLiveEmitter(ctx.redis, ctx.keys)));
  return e;
}

/**
 * Best effort, like every publish: if Redis drops it, the socket stays open
 * but every later subscribe is refused (room joins re-check the session and
 * the account), and it receives nothing new beyond the rooms it had joined.
 */
export function disconnectSession(ctx: AppContext, jti: string): void {
  emitterOf(ctx).in(sessionRoom(jti)).disconnectSockets(true);
}

export function disconnectUser(ctx: AppContext, userId: string): void {
  emitterOf(ctx).in(userRoom(userId)).disconnectSockets(true);
}
