import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

const MEMO_MAX = 10_000;

/**
 * A budget of `points` per `windowSeconds` per key, shared by every API
 * instance through Redis (rate-limiter-flexible, like logins). While Redis is
 * unreachable an in-process limiter takes over instead of letting everything
 * through. A key found over its budget is also remembered in process until
 * its window ends, so a flood from one address is answered without a Redis
 * round trip per request.
 */
export class Throttle {
  private readonly limiter: RateLimiterRedis;
  private readonly blockedUntil = new Map<string, number>();

  constructor(redis: Redis, keyPrefix: string, points: number, windowSeconds: number) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: windowSeconds,
      // A Redis that is reconnecting would hold the request; the insurance limiter answers instead.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
    });
  }

  /** Seconds the key must still wait, known to this process without asking Redis (0: not known blocked). */
  blocked(key: string, now = Date.now()): number {
    const until = this.blockedUntil.get(key);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blockedUntil.delete(key);
      return 0;
    }
    return Math.max(1, Math.ceil((until - now) / 1000));
  }

  /** Takes one point; answers 0 when it fit, else the seconds until the key's window ends. */
  async take(key: string): Promise<number> {
    const known = this.blocked(key);
    if (known) return known;
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      if (this.blockedUntil.size >= MEMO_MAX) this.blockedUntil.clear();
      this.blockedUntil.set(key, Date.now() + res.msBeforeNext);
      return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    }
  }
}
