import { readFileSync } from 'node:fs';
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { LIVE_EVENTS, PLATFORM_ID, roomFor, scopeHasRevenue, type LiveCounts, type LiveScope, type LiveSnapshot, type LiveUpdate } from '@offerly/contract';
import { dayKey, minuteStart } from '../domain/time-buckets';
import type { RedisKeys } from '../redis';

/**
 * Live counters in plain Redis hashes: one hash per scope × minute (kept 2 h)
 * and per scope × UTC day (kept 3 days). Money is kept per currency (`r:USD`,
 * `p:USD` fields) because an affiliate or the platform may earn in several.
 * Only events newly stored by a worker are counted, so counters never count twice.
 * The affiliate scope keeps no revenue: what the advertiser pays is not the
 * affiliate's to see, so that scope's hashes, snapshots and updates carry payout only.
 */
export interface LiveDelta {
  clicks: number;
  uniqueClicks: number;
  invalidClicks: number;
  conversions: number;
  revenueCents: number;
  payoutCents: number;
}

export interface LiveEvent {
  at: number;
  campaignId: string;
  affiliateId: string;
  currency: string;
  delta: Partial<LiveDelta>;
}

// The scopes, room names and update shape are the contract's (the dashboard reads them too).
export { PLATFORM_ID, roomFor, scopeHasRevenue, type LiveScope, type LiveUpdate };

const MINUTE_TTL_S = 2 * 3600;
const DAY_TTL_S = 3 * 86_400;
const COUNT_FIELDS = { clicks: 'c', uniqueClicks: 'u', invalidClicks: 'i', conversions: 'v' } as const;

const emptyDelta = (): LiveDelta => ({ clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, revenueCents: 0, payoutCents: 0 });

export function createLiveEmitter(redis: Redis, keys: RedisKeys): Emitter {
  // The emitter publishes without handling the promise: a failed publish (Redis gone at that moment) would be an
  // unhandled rejection and end the process. A lost update only delays the dashboard; the counters are in Redis.
  const publisher = { publish: (channel: string, msg: string | Buffer) => redis.publish(channel, msg).catch(() => 0) };
  return new Emitter(publisher, { key: keys.socketChannel });
}

type Group = { scope: LiveScope; id: string; minute: number; currency: string; delta: LiveDelta };

function groupEvents(events: LiveEvent[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of events) {
    const minute = minuteStart(e.at);
    for (const [scope, id] of [['platform', PLATFORM_ID], ['campaign', e.campaignId], ['affiliate', e.affiliateId]] as const) {
      const k = `${scope}|${id}|${minute}|${e.currency}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { scope, id, minute, currency: e.currency, delta: emptyDelta() }));
      for (const f of Object.keys(g.delta) as Array<keyof LiveDelta>) g.delta[f] += e.delta[f] ?? 0;
    }
  }
  return [...groups.values()];
}

type CounterOp = { kind: 'incr'; key: string; field: string; by: number } | { kind: 'expire'; key: string; seconds: number };

function counterOps(keys: RedisKeys, groups: Group[]): CounterOp[] {
  const ops: CounterOp[] = [];
  for (const g of groups) {
    for (const key of [keys.live(g.scope, g.id, `m:${g.minute}`), keys.live(g.scope, g.id, `d:${dayKey(g.minute)}`)]) {
      for (const [name, field] of Object.entries(COUNT_FIELDS)) {
        const n = g.delta[name as keyof typeof COUNT_FIELDS];
        if (n) ops.push({ kind: 'incr', key, field, by: n });
      }
      if (g.delta.revenueCents && scopeHasRevenue(g.scope)) ops.push({ kind: 'incr', key, field: `r:${g.currency}`, by: g.delta.revenueCents });
      if (g.delta.payoutCents) ops.push({ kind: 'incr', key, field: `p:${g.currency}`, by: g.delta.payoutCents });
      ops.push({ kind: 'expire', key, seconds: key.includes(':m:') ? MINUTE_TTL_S : DAY_TTL_S });
    }
  }
  return ops;
}

function emitGroups(emitter: Emitter | null | undefined, groups: Group[]): void {
  if (!emitter) return;
  for (const g of groups) {
    const room = roomFor(g.scope, g.id);
    const { revenueCents, ...rest } = g.delta;
    const delta = scopeHasRevenue(g.scope) ? { ...rest, revenueCents } : rest;
    const update: LiveUpdate = { room, scope: g.scope, id: g.id, minute: new Date(g.minute).toISOString(), currency: g.currency, delta };
    emitter.to(room).emit(LIVE_EVENTS.update, update);
  }
}

/** Adds events to the counters in one pipeline and pushes one update per room × minute × currency. */
export async function recordLive(deps: { redis: Redis; keys: RedisKeys; emitter?: Emitter | null }, events: LiveEvent[]): Promise<void> {
  if (events.length === 0) return;
  const groups = groupEvents(events);
  const pipe = deps.redis.pipeline();
  for (const op of counterOps(deps.keys, groups)) {
    if (op.kind === 'incr') pipe.hincrby(op.key, op.field, op.by);
    else pipe.expire(op.key, op.seconds);
  }
  const results = await pipe.exec();
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
  emitGroups(deps.emitter, groups);
}

const ONCE_SCRIPT = readFileSync(new URL('./live-once.lua', import.meta.url), 'utf8');

/**
 * Like recordLive, but applied at most once per `onceKey` (kept `onceTtlSeconds`):
 * a retried or duplicated batch counts once even when its first attempt
 * stopped between storing and counting. Returns whether this call applied it.
 */
export async function recordLiveOnce(
  deps: { redis: Redis; keys: RedisKeys; emitter?: Emitter | null },
  onceKey: string,
  onceTtlSeconds: number,
  events: LiveEvent[],
): Promise<boolean> {
  if (events.length === 0) return false;
  const groups = groupEvents(events);
  const keys = [onceKey];
  const index = new Map<string, number>();
  const keyIndex = (k: string) => {
    let i = index.get(k);
    if (i === undefined) index.set(k, (i = keys.push(k)));
    return i;
  };
  const args: Array<string | number> = [onceTtlSeconds];
  for (const op of counterOps(deps.keys, groups)) {
    if (op.kind === 'incr') args.push('i', keyIndex(op.key), op.field, op.by);
    else args.push('e', keyIndex(op.key), op.seconds);
  }
  const applied = (await deps.redis.eval(ONCE_SCRIPT, keys.length, ...keys, ...args)) === 1;
  if (applied) emitGroups(deps.emitter, groups);
  return applied;
}

function parseRow(h: Record<string, string>, withRevenue: boolean): LiveCounts {
  const row: LiveCounts = { clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, money: {} };
  for (const [name, field] of Object.entries(COUNT_FIELDS)) row[name as keyof typeof COUNT_FIELDS] = Number(h[field] ?? 0);
  // Affiliate hashes written before they stopped keeping revenue may still hold `r:` fields: never read them.
  const moneyField = withRevenue ? /^([rp]):([A-Z]{3})$/ : /^(p):([A-Z]{3})$/;
  for (const [field, value] of Object.entries(h)) {
    const m = moneyField.exec(field);
    if (!m) continue;
    const cur = (row.money[m[2]!] ??= withRevenue ? { revenueCents: 0, payoutCents: 0 } : { payoutCents: 0 });
    if (m[1] === 'r') cur.revenueCents = Number(value);
    else cur.payoutCents = Number(value);
  }
  return row;
}

/** The last `minutes` minutes (oldest first) and today's totals for one scope. */
export async function readLive(redis: Redis, keys: RedisKeys, scope: LiveScope, id: string, now = Date.now(), minutes = 60): Promise<LiveSnapshot> {
  const last = minuteStart(now);
  const starts = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * 60_000);
  const pipe = redis.pipeline();
  for (const m of starts) pipe.hgetall(keys.live(scope, id, `m:${m}`));
  pipe.hgetall(keys.live(scope, id, `d:${dayKey(now)}`));
  const res = (await pipe.exec()) ?? [];
  const rows = res.map(([err, v]) => {
    if (err) throw err;
    return parseRow((v ?? {}) as Record<string, string>, scopeHasRevenue(scope));
  });
  const today = rows.pop()!;
  return { scope, id, minutes: starts.map((t, i) => ({ t: new Date(t).toISOString(), ...rows[i]! })), today };
}
