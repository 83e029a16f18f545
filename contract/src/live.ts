import { z } from 'zod';
import { Currency, Instant, MinorUnits } from './common';

/**
 * Live counters: the last 60 minutes and today (UTC), for the platform, a
 * campaign or an affiliate, read with GET /api/live and kept current by
 * updates pushed over Socket.IO. The affiliate scope carries no revenue:
 * what the advertiser pays is not the affiliate's to see.
 */
export const LIVE_SCOPES = ['platform', 'campaign', 'affiliate'] as const;
export const LiveScope = z.enum(LIVE_SCOPES).meta({ id: 'LiveScope' });
export type LiveScope = z.infer<typeof LiveScope>;

/** The id of the platform scope, in snapshots and updates. */
export const PLATFORM_ID = 'all';

/** Whether a scope's counters include revenue: every scope but the affiliate's own. */
export const scopeHasRevenue = (scope: LiveScope): boolean => scope !== 'affiliate';

const count = z.number().int();

export const LiveMoney = z
  .record(z.string(), z.strictObject({ revenueCents: MinorUnits.optional().meta({ description: 'Absent in the affiliate scope' }), payoutCents: MinorUnits }))
  .meta({ id: 'LiveMoney', description: 'Money per currency (keyed by ISO 4217 code)' });
export type LiveMoney = z.infer<typeof LiveMoney>;

export const LiveCounts = z
  .strictObject({ clicks: count, uniqueClicks: count, invalidClicks: count, conversions: count, money: LiveMoney })
  .meta({ id: 'LiveCounts' });
export type LiveCounts = z.infer<typeof LiveCounts>;

export const LiveMinute = z
  .strictObject({ t: Instant.meta({ description: 'Start of the minute' }), clicks: count, uniqueClicks: count, invalidClicks: count, conversions: count, money: LiveMoney })
  .meta({ id: 'LiveMinute' });
export type LiveMinute = z.infer<typeof LiveMinute>;

export const LiveSnapshot = z
  .strictObject({
    scope: LiveScope,
    id: z.string().meta({ description: 'The campaign’s or affiliate’s id, or `all` for the platform' }),
    minutes: z.array(LiveMinute).meta({ description: 'The last 60 minutes, oldest first, the current one last' }),
    today: LiveCounts.meta({ description: 'Since 00:00 UTC' }),
  })
  .meta({ id: 'LiveSnapshot' });
export type LiveSnapshot = z.infer<typeof LiveSnapshot>;

const hexId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/**
 * GET /api/live's query: `scope`, and the campaign's or affiliate's `id`
 * (ignored for the platform). Read as a union, typed for the handler.
 */
export const LiveQuery = z
  .strictObject({
    scope: LiveScope,
    id: z.string().max(64).optional().meta({ description: 'The campaign’s or affiliate’s id; required for those scopes, ignored for `platform`' }),
  })
  .superRefine((q, c) => {
    if (q.scope === 'platform' || hexId.safeParse(q.id).success) return;
    c.addIssue({ code: 'custom', path: ['id'], message: q.id === undefined ? `is required for the ${q.scope} scope` : 'must be a 24-character hex id' });
  })
  .transform((q): LiveTarget => (q.scope === 'platform' ? { scope: 'platform' } : { scope: q.scope, id: q.id ?? '' }));
export type LiveTarget = { scope: 'platform' } | { scope: 'campaign' | 'affiliate'; id: string };

/* ---------- Socket.IO ---------- */

/** Socket.IO events: the client emits `subscribe` / `unsubscribe` with a LiveSubscribe (acknowledged with a LiveAck); the server pushes `live` with a LiveUpdate. */
export const LIVE_EVENTS = { subscribe: 'subscribe', unsubscribe: 'unsubscribe', update: 'live' } as const;

/** The room of a scope's updates: `admin` for the platform, `campaign:<id>` and `affiliate:<id>` for the others. */
export const ADMIN_ROOM = 'admin';
export function roomFor(scope: LiveScope, id: string): string {
  return scope === 'platform' ? ADMIN_ROOM : `${scope}:${id}`;
}

/** The scope and id a live room stands for, or null for anything that is not one (private rooms included). */
export function parseRoom(room: string): LiveTarget | null {
  if (room === ADMIN_ROOM) return { scope: 'platform' };
  const m = /^(campaign|affiliate):(.+)$/.exec(room);
  if (!m || !hexId.safeParse(m[2]).success) return null;
  return { scope: m[1] as 'campaign' | 'affiliate', id: m[2]! };
}

export const LiveSubscribe = z.strictObject({ room: z.string().max(80) });
export type LiveSubscribe = z.infer<typeof LiveSubscribe>;

/** Why a subscribe was refused: not a live room, a room of records the caller may not see, a session that ended, or a server fault. */
export const LIVE_SUBSCRIBE_ERRORS = ['bad_room', 'forbidden', 'not_found', 'unauthenticated', 'unavailable'] as const;
export type LiveSubscribeError = (typeof LIVE_SUBSCRIBE_ERRORS)[number];
export type LiveAck = { ok: true } | { ok: false; error: LiveSubscribeError };

/** One update: what a minute gained in one currency, pushed to the scope's room. */
export const LiveDelta = z
  .strictObject({
    clicks: count,
    uniqueClicks: count,
    invalidClicks: count,
    conversions: count,
    revenueCents: MinorUnits.optional().meta({ description: 'Absent in the affiliate scope' }),
    payoutCents: MinorUnits,
  })
  .meta({ id: 'LiveDelta' });
export type LiveDelta = z.infer<typeof LiveDelta>;

export const LiveUpdate = z
  .strictObject({
    room: z.string(),
    scope: LiveScope,
    id: z.string(),
    minute: Instant.meta({ description: 'Start of the minute the counts belong to' }),
    currency: Currency,
    delta: LiveDelta,
  })
  .meta({ id: 'LiveUpdate' });
export type LiveUpdate = z.infer<typeof LiveUpdate>;
