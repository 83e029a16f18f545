import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../domain/errors';

/**
 * Login throttling in Redis, shared by every API instance: attempts per IP,
 * and failed attempts per account (reset by a successful login). If Redis is
 * unreachable an in-process limiter takes over instead of letting everything through.
 */
export class LoginLimiter {
  private readonly perIp: RateLimiterRedis;
  private readonly perAccount: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, opts: { perIp: number; perAccount: number; windowSeconds: number }) {
    this.perIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-ip`,
      points: opts.perIp,
      duration: opts.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: opts.perIp, duration: opts.windowSeconds }),
    });
    this.perAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-acct`,
      points: opts.perAccount,
      duration: opts.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: opts.perAccount, duration: opts.windowSeconds }),
    });
  }

  private static limited(res: RateLimiterRes, what: string): ApiError {
    const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new ApiError('rate_limited', `Too many login attempts for this ${what}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  /**
   * Called before checking the password; throws 429 when either budget is
   * spent. Each attempt is consumed atomically, so parallel guesses cannot
   * slip past the limit; a successful login gives the account its budget back.
   */
  async beforeAttempt(ip: string, account: string): Promise<void> {
    for (const [limiter, key, what] of [[this.perIp, ip, 'address'], [this.perAccount, account, 'account']] as const) {
      try {
        await limiter.consume(key);
      } catch (res) {
        if (res instanceof RateLimiterRes) throw LoginLimiter.limited(res, what);
        throw res;
      }
    }
  }

  async onSuccess(account: string): Promise<void> {
    await this.perAccount.delete(account).catch(() => {});
  }
}
