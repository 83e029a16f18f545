import type { Redis } from 'ioredis';
import type { Models } from '../db/connection';
import type { CampaignDoc } from '../db/models/campaign';
import type { CampaignCounterDoc } from '../db/models/campaign-counter';
import type { CampaignStatus } from '../domain/campaign-rules';
import { hasCaps, hasDailyCaps, limitReached, nextSpendCents, type CampaignLimit } from '../domain/click-rules';
import { clickValue } from '../domain/payout-models';
import type { UserStatus } from '../domain/permissions';
import { DAY_MS, dayKey, dayStart } from '../domain/time-buckets';
import type { Logger } from '../logger';
import { parseInvalidation, type Invalidation } from '../cache-bus/invalidations';

/** Everything the click path needs to know about a link, resolved from four collections. */
export interface LinkTarget {
  linkId: string;
  campaignId: string;
  affiliateId: string;
  advertiserId: string;
  campaignStatus: CampaignStatus;
  affiliateStatus: UserStatus | 'missing';
  advertiserStatus: UserStatus | 'missing';
  /** Destination URL template with macros. */
  destination: string;
  /** True when the template is plain printable ASCII, so a filled copy is a valid Location as is. */
  destinationAscii: boolean;
  /** Normalised fallback URL, or null for the "not available" page. */
  fallbackUrl: string | null;
  allowDeepLink: boolean;
  currency: string;
  limit: CampaignLimit;
  /** What a unique valid click earns (0/0 unless CPC), with this affiliate's override applied. */
  cpcRevenueCents: number;
  cpcPayoutCents: number;
}

interface Loaded {
  target: LinkTarget;
  /** Daily caps reset at UTC midnight, so the entry must not outlive it. */
  resetsAtMidnight: boolean;
}

interface Entry {
  value: LinkTarget | null;
  expiresAt: number;
}

export interface LinkCacheOptions {
  models: Pick<Models, 'Link' | 'Campaign' | 'User' | 'CampaignCounter'>;
  log: Logger;
  ttlMs: number;
  maxEntries: number;
  /** Unknown link ids are remembered this long (bounded separately), so a flood of bad ids does not reach MongoDB each time. */
  negativeTtlMs?: number;
  maxNegativeEntries?: number;
  now?: () => number;
}

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

function normaliseUrl(u: string | null): string | null {
  if (!u) return null;
  try {
    const parsed = new URL(u);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * In-process cache of link → campaign/affiliate/destination, so a click does
 * not touch MongoDB. Entries live `ttlMs` (and never past the UTC midnight
 * that resets daily caps); changes anywhere drop them at once through the
 * invalidation channel. Loads are single-flight, and when MongoDB fails an
 * expired entry is served rather than failing the click.
 */
export class LinkCache {
  private readonly entries = new Map<string, Entry>();
  private readonly negatives = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<LinkTarget | null>>();
  /** Bumped by every invalidation: a load that started before one must not store its result. */
  private generation = 0;
  private readonly now: () => number;
  private readonly negativeTtlMs: number;
  private readonly maxNegative: number;
  readonly stats = { hits: 0, loads: 0, staleServed: 0, invalidations: 0 };

  constructor(private readonly opts: LinkCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.negativeTtlMs = opts.negativeTtlMs ?? Math.min(opts.ttlMs, 5000);
    this.maxNegative = opts.maxNegativeEntries ?? 10_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A fresh cached answer: the target, null for a known-unknown id, or undefined when it must be loaded. */
  peek(linkId: string): LinkTarget | null | undefined {
    const t = this.now();
    const e = this.entries.get(linkId);
    if (e && e.expiresAt > t) {
      this.stats.hits++;
      return e.value;
    }
    const neg = this.negatives.get(linkId);
    if (neg !== undefined) {
      if (neg > t) return null;
      this.negatives.delete(linkId);
    }
    return undefined;
  }

  /** Cached or loaded; rejects only when MongoDB fails and nothing (not even an expired entry) is known. */
  resolve(linkId: string): LinkTarget | null | Promise<LinkTarget | null> {
    const hit = this.peek(linkId);
    return hit !== undefined ? hit : this.load(linkId);
  }

  load(linkId: string): Promise<LinkTarget | null> {
    let p = this.inflight.get(linkId);
    if (p) return p;
    const gen = this.generation;
    p = this.fetch(linkId)
      .then(
        (loaded) => {
          if (gen === this.generation) this.store(linkId, loaded);
          return loaded ? loaded.target : null;
        },
        (err: unknown) => {
          const stale = this.entries.get(linkId);
          if (stale) {
            this.stats.staleServed++;
            this.opts.log.warn({ err, linkId }, 'link lookup failed; serving the cached entry past its TTL');
            return stale.value;
          }
          throw err;
        },
      )
      .finally(() => this.inflight.delete(linkId));
    this.inflight.set(linkId, p);
    return p;
  }

  invalidate(msg: Invalidation): void {
    // The platform settings are no part of what a link resolves to.
    if (msg.kind === 'settings') return;
    this.generation++;
    this.stats.invalidations++;
    if (msg.kind === 'link') {
      this.entries.delete(msg.id);
      this.negatives.delete(msg.id);
      return;
    }
    // Invalidations are rare (edits, status changes, caps reached): a scan is cheaper than keeping indexes current.
    const key = msg.kind === 'campaign' ? 'campaignId' : msg.kind === 'affiliate' ? 'affiliateId' : 'advertiserId';
    for (const [id, e] of this.entries) {
      if (e.value?.[key] === msg.id) this.entries.delete(id);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.negatives.clear();
  }

  /**
   * Listens on the invalidation channel with a dedicated connection. After a
   * reconnect messages may have been missed, so everything is dropped.
   */
  async subscribe(base: Redis, channel: string, name: string): Promise<() => Promise<void>> {
    const sub = base.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: name });
    sub.on('error', () => {});
    let connectedOnce = false;
    sub.on('ready', () => {
      if (connectedOnce) this.clear();
      connectedOnce = true;
    });
    sub.on('message', (ch: string, raw: string) => {
      if (ch !== channel) return;
      const msg = parseInvalidation(raw);
      if (msg) this.invalidate(msg);
      else this.opts.log.warn({ raw: raw.slice(0, 200) }, 'ignoring malformed cache invalidation');
    });
    await sub.subscribe(channel);
    return async () => {
      sub.disconnect();
    };
  }

  private store(linkId: string, loaded: Loaded | null): void {
    const t = this.now();
    if (loaded === null) {
      if (this.negatives.size >= this.maxNegative) this.negatives.delete(this.negatives.keys().next().value as string);
      this.negatives.set(linkId, t + this.negativeTtlMs);
      return;
    }
    this.negatives.delete(linkId);
    this.entries.delete(linkId); // re-inserted at the end: eviction goes oldest-loaded first
    while (this.entries.size >= this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    let expiresAt = t + this.opts.ttlMs;
    if (loaded.resetsAtMidnight) expiresAt = Math.min(expiresAt, dayStart(t) + DAY_MS);
    this.entries.set(linkId, { value: loaded.target, expiresAt });
  }

  private async limitOf(campaign: CampaignDoc): Promise<CampaignLimit> {
    if (!campaign.caps || !hasCaps(campaign.caps)) return null;
    const today = dayKey(this.now());
    const { CampaignCounter } = this.opts.models;
    // Lookups by _id: the only ones FerretDB serves from an index.
    const [day, total] = await Promise.all([
      CampaignCounter.findById(`${campaign._id}|${today}`).lean() as Promise<CampaignCounterDoc | null>,
      CampaignCounter.findById(`${campaign._id}|total`).lean() as Promise<CampaignCounterDoc | null>,
    ]);
    return limitReached(campaign.caps, day, total, nextSpendCents(campaign));
  }

  private async fetch(linkId: string): Promise<Loaded | null> {
    this.stats.loads++;
    const { Link, Campaign, User } = this.opts.models;
    const link = await Link.findById(linkId).lean();
    if (!link) return null;
    // The link names its advertiser, so its status (pending and suspended advertisers get no
    // traffic) is read beside the campaign's, at no extra round trip.
    const [campaign, affiliate, advertiser] = await Promise.all([
      Campaign.findById(link.campaignId).lean() as Promise<CampaignDoc | null>,
      User.findById(link.affiliateId, { status: 1, role: 1 }).lean(),
      User.findById(link.advertiserId, { status: 1, role: 1 }).lean(),
    ]);
    if (!campaign) return null;
    const limit = await this.limitOf(campaign);
    const override = campaign.overrides?.find((o) => o.affiliateId === link.affiliateId) ?? null;
    const value = clickValue(
      { model: campaign.payoutModel, revenueCents: campaign.revenueCents, payoutCents: campaign.payoutCents },
      override,
      { unique: true, valid: true },
    );
    const target: LinkTarget = {
      linkId: link._id,
      campaignId: campaign._id,
      affiliateId: link.affiliateId,
      advertiserId: campaign.advertiserId,
      campaignStatus: campaign.status,
      affiliateStatus: affiliate && affiliate.role === 'affiliate' ? affiliate.status : 'missing',
      advertiserStatus: advertiser && advertiser.role === 'advertiser' ? advertiser.status : 'missing',
      destination: campaign.destinationUrl,
      destinationAscii: PRINTABLE_ASCII.test(campaign.destinationUrl),
      fallbackUrl: normaliseUrl(campaign.fallbackUrl),
      allowDeepLink: campaign.allowDeepLink === true,
      currency: campaign.currency,
      limit,
      cpcRevenueCents: value.revenueCents,
      cpcPayoutCents: value.payoutCents,
    };
    return { target, resetsAtMidnight: Boolean(campaign.caps && hasDailyCaps(campaign.caps)) };
  }
}
