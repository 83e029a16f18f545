import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import { LIVE_EVENTS, LiveSubscribe, parseRoom, type LiveAck, type LiveSubscribeError } from '@offerly/contract';
import { SESSION_COOKIE, sessionIsCurrent, verifySession } from '../auth/tokens';
import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import { canJoinRoom, type Principal, type RoomRef } from '../domain/permissions';
import { revokedKey } from '../auth/revocation';
import { sessionRoom, userRoom } from './socket-control';

export const SOCKET_PATH = '/socket.io';

type Ack = (reply: LiveAck) => void;

interface SocketData {
  userId: string;
  role: Principal['role'];
  jti: string;
  gen: number;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const v = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  }
  return undefined;
}

type JoinVerdict = 'ok' | Exclude<LiveSubscribeError, 'unavailable'>;

/** The adapter's own connections: one in subscriber mode can send no other command. */
function adapterClients(ctx: AppContext) {
  const pub = ctx.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'socket.io:pub' });
  const sub = ctx.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'socket.io:sub' });
  pub.on('error', () => {});
  sub.on('error', () => {});
  return { pub, sub };
}

function createServer(ctx: AppContext, server: http.Server, { pub, sub }: ReturnType<typeof adapterClients>): Server {
  const allowedOrigins = new Set([ctx.config.CLIENT_URL, ctx.config.PUBLIC_TRACKING_URL].map((u) => new URL(u).origin));
  return new Server(server, {
    path: SOCKET_PATH,
    serveClient: false,
    adapter: createAdapter(pub, sub, { key: ctx.keys.socketChannel }),
    // Cross-site pages must not ride on a visitor's session cookie.
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      if (!origin) return cb(null, true);
      const host = req.headers.host;
      cb(null, allowedOrigins.has(origin) || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)));
    },
    cors: { origin: [...allowedOrigins], credentials: true },
  });
}

async function loadPrincipal(ctx: AppContext, userId: string, role: Principal['role'], gen: number): Promise<Principal | null> {
  const user = await ctx.models.User.findById(userId, { role: 1, status: 1, sessionGeneration: 1 }).lean();
  if (!user || user.role !== role || !sessionIsCurrent({ gen }, user)) return null;
  return { id: user._id, role: user.role, status: user.status };
}

/** The handshake: a valid session (token or cookie) not logged out, of an account that still has its role. */
function authenticate(ctx: AppContext): Parameters<Server['use']>[0] {
  return (socket, next) => {
    const authToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof authToken === 'string' && authToken ? authToken : cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
    const claims = token ? verifySession(ctx.config.JWT_SECRET, token) : null;
    if (!claims) return next(new Error('unauthenticated'));
    (async () => {
      if (await ctx.redis.exists(revokedKey(ctx, claims.jti))) return next(new Error('unauthenticated'));
      const p = await loadPrincipal(ctx, claims.sub, claims.role, claims.gen);
      if (!p) return next(new Error('unauthenticated'));
      const data: SocketData = { userId: p.id, role: p.role, jti: claims.jti, gen: claims.gen };
      socket.data = data;
      next();
    })().catch((err: unknown) => {
      ctx.log.warn({ err }, 'socket authentication failed');
      next(new Error('unavailable'));
    });
  };
}

async function mayJoin(ctx: AppContext, socket: Socket, room: string): Promise<JoinVerdict> {
  const parsed = parseRoom(room);
  if (!parsed) return 'bad_room';
  const data = socket.data as SocketData;
  // Re-read the account on every subscribe: a suspension or logout applies at once.
  if (await ctx.redis.exists(revokedKey(ctx, data.jti))) return 'unauthenticated';
  const p = await loadPrincipal(ctx, data.userId, data.role, data.gen);
  if (!p) return 'unauthenticated';
  let ref: RoomRef;
  if (parsed.scope === 'platform') ref = { kind: 'admin' };
  else if (parsed.scope === 'affiliate') ref = { kind: 'affiliate', affiliateId: parsed.id };
  else {
    const c = (await ctx.models.Campaign.findById(parsed.id, { advertiserId: 1 }).lean()) as Pick<CampaignDoc, 'advertiserId'> | null;
    // Like the REST API: campaigns the caller may not see do not exist for it.
    if (!c || !canJoinRoom(p, { kind: 'campaign', campaign: c })) return 'not_found';
    return 'ok';
  }
  return canJoinRoom(p, ref) ? 'ok' : 'forbidden';
}

/** Logout and suspension close sockets through the user's and the session's rooms, from whichever instance handled them. */
function joinPrivateRooms(ctx: AppContext, socket: Socket): void {
  const data = socket.data as SocketData;
  void socket.join([userRoom(data.userId), sessionRoom(data.jti)]);
  // A logout that landed between the handshake's check and these joins found no socket to close: look again.
  ctx.redis
    .exists(revokedKey(ctx, data.jti))
    .then((revoked) => {
      if (revoked) socket.disconnect(true);
    })
    .catch((err: unknown) => ctx.log.warn({ err }, 'socket session re-check failed'));
}

function onSubscribe(ctx: AppContext, socket: Socket) {
  return (payload: unknown, ack?: unknown) => {
    const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => {};
    const body = LiveSubscribe.safeParse(payload);
    if (!body.success) return reply({ ok: false, error: 'bad_room' });
    const room = body.data.room;
    mayJoin(ctx, socket, room)
      .then(async (verdict) => {
        if (verdict !== 'ok') return reply({ ok: false, error: verdict });
        await socket.join(room);
        reply({ ok: true });
      })
      .catch((err: unknown) => {
        ctx.log.warn({ err, room }, 'socket subscribe failed');
        reply({ ok: false, error: 'unavailable' });
      });
  };
}

function onUnsubscribe(socket: Socket) {
  return (payload: unknown, ack?: unknown) => {
    const body = LiveSubscribe.safeParse(payload);
    // Only live rooms: leaving the private ones would dodge a later logout or suspension.
    if (body.success && parseRoom(body.data.room)) void socket.leave(body.data.room);
    if (typeof ack === 'function') (ack as Ack)({ ok: true });
  };
}

/**
 * Socket.IO on the API's HTTP server. Browsers authenticate with the session
 * cookie (API clients with `auth: { token }`), then subscribe to rooms the
 * permission map allows. Updates come from the workers through the Redis
 * adapter's channel, so any number of API instances can serve the browsers.
 */
export async function attachSocketServer(ctx: AppContext, server: http.Server): Promise<() => Promise<void>> {
  const clients = adapterClients(ctx);
  const io = createServer(ctx, server, clients);
  io.use(authenticate(ctx));
  io.on('connection', (socket) => {
    joinPrivateRooms(ctx, socket);
    socket.on(LIVE_EVENTS.subscribe, onSubscribe(ctx, socket));
    socket.on(LIVE_EVENTS.unsubscribe, onUnsubscribe(socket));
  });
  return async () => {
    await io.close();
    clients.pub.disconnect();
    clients.sub.disconnect();
  };
}
