import type { AppContext } from '../context';

/**
 * Tells every process that a cached campaign, link, affiliate, advertiser or
 * the platform settings changed. The click path caches the first four in
 * process (tracking/link-cache), every process the settings
 * (settings/settings-store); the modules that change them publish here, so
 * neither depends on the other.
 */
export const INVALIDATION_KINDS = ['campaign', 'link', 'affiliate', 'advertiser', 'settings'] as const;
export type Invalidation = { kind: (typeof INVALIDATION_KINDS)[number]; id: string };

export async function publishInvalidation(ctx: Pick<AppContext, 'redis' | 'keys' | 'log'>, msg: Invalidation): Promise<void> {
  try {
    await ctx.redis.publish(ctx.keys.cacheChannel, JSON.stringify(msg));
  } catch (err) {
    // Caches also expire on their own (LINK_CACHE_TTL_MS), so a lost message only delays the change.
    ctx.log.warn({ err, msg }, 'could not publish cache invalidation');
  }
}

export function parseInvalidation(raw: string): Invalidation | null {
  try {
    const m = JSON.parse(raw) as Partial<Invalidation>;
    if (m.kind !== undefined && INVALIDATION_KINDS.includes(m.kind) && typeof m.id === 'string') return { kind: m.kind, id: m.id };
  } catch {
    /* fall through */
  }
  return null;
}
