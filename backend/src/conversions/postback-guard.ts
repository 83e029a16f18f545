import { Throttle } from '../auth/throttle';
import type { AppContext } from '../context';
import { ApiError } from '../domain/errors';
import { ipAllowed } from '../domain/ip-allow-list';
import { RefusalCounter } from '../metrics/refusals';
import { knownTokenOwner, tokenOwner, type TokenOwner } from './campaign-by-token';

/** Why intake turned a request away without storing it (the `reason` of the counts and the metric). */
export type RefusalReason = 'invalid_request' | 'no_token' | 'bad_token' | 'ip_not_allowed' | 'rate_limited';

const limited = (retryAfterSeconds: number, what: string) =>
  new ApiError('rate_limited', `Too many postbacks ${what}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}

/**
 * What stands between the public postback endpoint and storage. A postback
 * is stored and queued only when its token opens a campaign and it comes from
 * an address that campaign allows; anything else is answered with an error
 * and counted per address and hour (metrics/refusals.ts), so junk can neither
 * fill the database nor queue ahead of real postbacks.
 *
 * Two budgets: per campaign for accepted postbacks (a leaked token cannot
 * flood the queue), and a lower one per client address for everything that
 * is not a verified postback. Real advertisers send all their postbacks from
 * a few servers, often for many campaigns: a per-address cap on verified
 * traffic would throttle the biggest ones first.
 */
export class PostbackGuard {
  private readonly perIp: Throttle;
  private readonly perCampaign: Throttle;
  readonly refusals: RefusalCounter;

  constructor(private readonly ctx: AppContext) {
    const c = ctx.config;
    this.perIp = new Throttle(ctx.redis, `${ctx.keys.rateLimit}:pb-ip`, c.POSTBACK_MAX_PER_IP, c.PUBLIC_RATE_WINDOW_SECONDS);
    this.perCampaign = new Throttle(ctx.redis, `${ctx.keys.rateLimit}:pb-token`, c.POSTBACK_MAX_PER_TOKEN, c.PUBLIC_RATE_WINDOW_SECONDS);
    this.refusals = new RefusalCounter(ctx.redis, `${ctx.keys.prefix}:refused:postback`, ctx.log);
  }

  /** Counts the refusal and answers it, or a 429 once the address has spent its budget. */
  async refuse(ip: string | null, reason: Exclude<RefusalReason, 'rate_limited'>, err: ApiError): Promise<never> {
    const wait = await this.perIp.take(ip ?? 'unknown');
    this.refusals.add(wait ? 'rate_limited' : reason, ip);
    throw wait ? limited(wait, 'without a valid token from this address') : err;
  }

  /**
   * Lets a readable postback through, or throws its answer. When MongoDB
   * cannot say whose token it is (an outage, a stall) and this process has
   * not seen the token lately, the postback is accepted as it was before
   * tokens were checked at intake, on the address's budget: the worker
   * decides, and a real conversion is not lost to a database hiccup.
   */
  async admit(ip: string | null, token: string | undefined): Promise<void> {
    if (!token) return this.refuse(ip, 'no_token', new ApiError('bad_token', 'token is required: the campaign’s postback secret'));
    // An address over its budget costs no token lookup; a token this process knows still gets through.
    const blocked = this.perIp.blocked(ip ?? 'unknown');
    if (blocked && !knownTokenOwner(this.ctx, token)) {
      this.refusals.add('rate_limited', ip);
      throw limited(blocked, 'without a valid token from this address');
    }
    let owner: TokenOwner | null;
    try {
      owner = await withTimeout(tokenOwner(this.ctx, token), this.ctx.config.POSTBACK_ENQUEUE_TIMEOUT_MS);
    } catch (err) {
      this.ctx.log.warn({ err }, 'could not check a postback token; accepting it on the address’s budget');
      const wait = await this.perIp.take(ip ?? 'unknown');
      if (wait) {
        this.refusals.add('rate_limited', ip);
        throw limited(wait, 'without a valid token from this address');
      }
      return;
    }
    if (!owner) return this.refuse(ip, 'bad_token', new ApiError('bad_token', 'No campaign has this postback token'));
    if (!ipAllowed(owner.allowedIps, ip)) {
      return this.refuse(ip, 'ip_not_allowed', new ApiError('ip_not_allowed', `Postbacks for this campaign are not accepted from ${ip ?? 'this address'}`));
    }
    // Keyed by campaign: during a rotation's grace period the old and new secret share one budget.
    const wait = await this.perCampaign.take(owner.campaignId);
    if (wait) {
      this.refusals.add('rate_limited', ip);
      throw limited(wait, 'for this campaign');
    }
  }

  close(): Promise<void> {
    return this.refusals.close();
  }
}
