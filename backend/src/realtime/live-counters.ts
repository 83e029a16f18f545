import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { dayKey, minuteStart } from '../domain/time-buckets';
import type { RedisKeys } from '../redis';

/**
 * Live counters in plain Redis hashes: one hash per scope × minute (kept 2 h)
 * and per scope × UTC day (kept 3 days). Money is kept per currency (`r:USD`,
 * `p:USD` fields) because an affiliate or the platform may earn in several.
 * Only events newly stored by a worker are counted, so counters never count twice.
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

export type LiveScope = 'platform' | 'campaign' | 'affiliate';

export interface LiveMoney {
  [currency: string]: { revenueCents: number; payoutCents: number };
}

export interface LiveRow {
  clicks: number;
  uniqueClicks: number;
  invalidClicks: number;
  conversions: number;
  money: LiveMoney;
}

export interface LiveUpdate {
  room: string;
  scope: LiveScope;
  id: string;
  minute: string;
  currency: string;
  delta: LiveDelta;
}

const MINUTE_TTL_S = 2 * 3600;
const DAY_TTL_S = 3 * 86_400;
const COUNT_FIELDS = { clicks: 'c', uniqueClicks: 'u', invalidClicks: 'i', conversions: 'v' } as const;

export const PLATFORM_ID = 'all';

export function roomFor(scope: LiveScope, id: string): string {
  return scope === 'platform' ? 'admin' : `${scope}:${id}`;
}

const emptyDelta = (): LiveDelta => ({ clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, revenueCents: 0, payoutCents: 0 });

export function createLiveEmitter(redis: Redis, keys: RedisKeys): Emitter {
  return new Emitter(redis, { key: keys.socketChannel });
}

/** Adds events to the counters in one pipeline and pushes one update per room × minute × currency. */
export async function recordLive(deps: { redis: Redis; keys: RedisKeys; emitter?: Emitter | null }, events: LiveEvent[]): Promise<void> {
  if (events.length === 0) return;
  const groups = new Map<string, { scope: LiveScope; id: string; minute: number; currency: string; delta: LiveDelta }>();
  for (const e of events) {
    const minute = minuteStart(e.at);
    for (const [scope, id] of [['platform', PLATFORM_ID], ['campaign', e.campaignId], ['affiliate', e.affiliateId]] as const) {
      const k = `${scope}|${id}|${minute}|${e.currency}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { scope, id, minute, currency: e.currency, delta: emptyDelta() }));
      for (const f of Object.keys(g.delta) as Array<keyof LiveDelta>) g.delta[f] += e.delta[f] ?? 0;
    }
  }
  const pipe = deps.redis.pipeline();
  for (const g of groups.values()) {
    for (const key of [deps.keys.live(g.scope, g.id, `m:${g.minute}`), deps.keys.live(g.scope, g.id, `d:${dayKey(g.minute)}`)]) {
      for (const [name, field] of Object.entries(COUNT_FIELDS)) {
        const n = g.delta[name as keyof typeof COUNT_FIELDS];
        if (n) pipe.hincrby(key, field, n);
      }
      if (g.delta.revenueCents) pipe.hincrby(key, `r:${g.currency}`, g.delta.revenueCents);
      if (g.delta.payoutCents) pipe.hincrby(key, `p:${g.currency}`, g.delta.payoutCents);
      pipe.expire(key, key.includes(':m:') ? MINUTE_TTL_S : DAY_TTL_S);
    }
  }
  const results = await pipe.exec();
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
  if (!deps.emitter) return;
  for (const g of groups.values()) {
    const room = roomFor(g.scope, g.id);
    const update: LiveUpdate = { room, scope: g.scope, id: g.id, minute: new Date(g.minute).toISOString(), currency: g.currency, delta: g.delta };
    deps.emitter.to(room).emit('live', update);
  }
}

function parseRow(h: Record<string, string>): LiveRow {
  const row: LiveRow = { clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, money: {} };
  for (const [name, field] of Object.entries(COUNT_FIELDS)) row[name as keyof typeof COUNT_FIELDS] = Number(h[field] ?? 0);
  for (const [field, value] of Object.entries(h)) {
    const m = /^([rp]):([A-Z]{3})$/.exec(field);
    if (!m) continue;
    const cur = (row.money[m[2]!] ??= { revenueCents: 0, payoutCents: 0 });
    if (m[1] === 'r') cur.revenueCents = Number(value);
    else cur.payoutCents = Number(value);
  }
  return row;
}

/** The last `minutes` minutes (oldest first) and today's totals for one scope. */
export async function readLive(redis: Redis, keys: RedisKeys, scope: LiveScope, id: string, now = Date.now(), minutes = 60) {
  const last = minuteStart(now);
  const starts = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * 60_000);
  const pipe = redis.pipeline();
  for (const m of starts) pipe.hgetall(keys.live(scope, id, `m:${m}`));
  pipe.hgetall(keys.live(scope, id, `d:${dayKey(now)}`));
  const res = (await pipe.exec()) ?? [];
  const rows = res.map(([err, v]) => {
    if (err) throw err;
    return parseRow((v ?? {}) as Record<string, string>);
  });
  const today = rows.pop()!;
  return { scope, id, minutes: starts.map((t, i) => ({ t: new Date(t).toISOString(), ...rows[i]! })), today };
}
