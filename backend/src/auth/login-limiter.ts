import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../domain/errors';

export interface LoginLimits {
  /** Failures for one account from one address per `windowSeconds`: the fast lock a guesser meets first. */
  perAccountIp: number;
  windowSeconds: number;
  /** Failures for one account from every address per `slowWindowSeconds`: stops guesses spread over many addresses. */
  perAccount: number;
  /** Failures from one address over every account per `slowWindowSeconds`: stops one address trying many accounts. */
  perIp: number;
  slowWindowSeconds: number;
}

interface Budget {
  limiter: RateLimiterRedis;
  key: (ip: string, account: string) => string;
  refused: string;
}

/** A failed attempt keeps the failure reserved by `begin`. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
  /** The password was never checked (e.g. the database failed): nothing is counted. */
  abandoned(): Promise<void>;
}

/**
 * Redis-backed (shared by every API instance); an in-process limiter takes over
 * while Redis is unreachable, so an outage does not lift the limits.
 */
export function redisLimiter(redis: Redis, keyPrefix: string, points: number, duration: number): RateLimiterRedis {
  // A Redis that is reconnecting would hold the sign-in; the in-process limiter answers instead.
  return new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory({ points, duration }) });
}

export function retryAfter(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

/**
 * Failed sign-ins only, counted three ways (rate-limiter-flexible's brute-force
 * recipe): per account × address, per account and per address. Successful
 * sign-ins never count, so a whole office behind one NAT can sign in all day,
 * and a stranger's wrong guesses lock the account only from the stranger's
 * address until they reach the slow per-account budget.
 */
export class LoginLimiter {
  private readonly budgets: Budget[];
  private readonly accountIp: Budget;

  constructor(redis: Redis, prefix: string, limits: LoginLimits) {
    this.accountIp = {
      limiter: redisLimiter(redis, `${prefix}:login-fail-acct-ip`, limits.perAccountIp, limits.windowSeconds),
      key: (ip, account) => `${account}|${ip}`,
      refused: 'Too many failed sign-ins to this account from your address',
    };
    this.budgets = [
      this.accountIp,
      { limiter: redisLimiter(redis, `${prefix}:login-fail-acct`, limits.perAccount, limits.slowWindowSeconds), key: (_ip, account) => account, refused: 'Too many failed sign-ins to this account' },
      { limiter: redisLimiter(redis, `${prefix}:login-fail-ip`, limits.perIp, limits.slowWindowSeconds), key: (ip) => ip, refused: 'Too many failed sign-ins from your address' },
    ];
  }

  private static limited(refused: string, msBeforeNext: number): ApiError {
    const retryAfterSeconds = retryAfter(msBeforeNext);
    return new ApiError('rate_limited', `${refused}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  /**
   * Called before the password is checked; 429 when a budget is spent. The
   * check is a read (`get`), so refused attempts do not push the unlock time
   * further. Then one failure is reserved in every budget before the (slow)
   * password check and given back on success: a burst of parallel guesses
   * cannot all pass the read before any failure is counted.
   */
  async begin(ip: string, account: string): Promise<LoginAttempt> {
    const keys = this.budgets.map((b) => b.key(ip, account));
    const states = await Promise.all(this.budgets.map((b, i) => b.limiter.get(keys[i]!)));
    states.forEach((s, i) => {
      const b = this.budgets[i]!;
      if (s && s.consumedPoints >= b.limiter.points) throw LoginLimiter.limited(b.refused, s.msBeforeNext);
    });

    const reserved = await Promise.allSettled(this.budgets.map((b, i) => b.limiter.consume(keys[i]!)));
    const lost = reserved.findIndex((r) => r.status === 'rejected');
    if (lost >= 0) {
      await this.giveBack(keys, reserved.map((r) => r.status === 'fulfilled'));
      const reason = (reserved[lost] as PromiseRejectedResult).reason as unknown;
      if (reason instanceof RateLimiterRes) throw LoginLimiter.limited(this.budgets[lost]!.refused, reason.msBeforeNext);
      throw reason;
    }

    return {
      succeeded: async () => {
        await this.giveBack(keys, this.budgets.map((b) => b !== this.accountIp));
        // A success clears this account's failures from this address: the owner's next typo starts from zero.
        await this.accountIp.limiter.delete(keys[0]!).catch(() => false);
      },
      abandoned: () => this.giveBack(keys, this.budgets.map(() => true)),
    };
  }

  private async giveBack(keys: string[], which: boolean[]): Promise<void> {
    await Promise.all(this.budgets.map((b, i) => (which[i] ? b.limiter.reward(keys[i]!, 1).catch(() => null) : null)));
  }
}
