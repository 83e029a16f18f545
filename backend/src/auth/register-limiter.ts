import type { Redis } from 'ioredis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../domain/errors';
import { redisLimiter, retryAfter } from './login-limiter';

/**
 * Registrations per address (Redis, shared by every API instance). It bounds
 * account spam and how fast one address can learn which emails are registered
 * (a taken email answers 409 on purpose, and counts).
 */
export class RegisterLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, opts: { perIp: number; windowSeconds: number }) {
    this.limiter = redisLimiter(redis, `${prefix}:register-ip`, opts.perIp, opts.windowSeconds);
  }

  /** Takes one registration from the address's budget, or throws 429 with the wait. */
  async take(ip: string): Promise<void> {
    try {
      await this.limiter.consume(ip);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfterSeconds = retryAfter(res.msBeforeNext);
      throw new ApiError('rate_limited', `Too many registrations from your address; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }
}
