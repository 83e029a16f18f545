import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

const KEEP_SECONDS = 7 * 86_400;

const hourOf = (ms: number) => new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '');

/**
 * Public requests refused before anything was stored (no token, a token of no
 * campaign, an address off the allow-list, over a rate limit), counted per
 * client address and hour in Redis instead of one MongoDB document each:
 * hash `<key>:<YYYYMMDDHH>` (UTC), field `<reason>|<address>`, kept 7 days.
 * Counts are gathered in process and written once a second, so a flood
 * costs Redis one pipeline a second, not a command per request.
 */
export class RefusalCounter {
  /** Refusals of this process since start, by reason (read by the metrics). */
  readonly totals = new Map<string, number>();
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly log: Logger,
    flushMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  add(reason: string, ip: string | null, at = Date.now()): void {
    this.totals.set(reason, (this.totals.get(reason) ?? 0) + 1);
    const field = `${hourOf(at)} ${reason}|${ip ?? 'unknown'}`;
    this.pending.set(field, (this.pending.get(field) ?? 0) + 1);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const pipe = this.redis.pipeline();
    const hours = new Set<string>();
    for (const [k, n] of batch) {
      const [hour, field] = k.split(' ') as [string, string];
      hours.add(hour);
      pipe.hincrby(`${this.key}:${hour}`, field, n);
    }
    for (const hour of hours) pipe.expire(`${this.key}:${hour}`, KEEP_SECONDS);
    try {
      await pipe.exec();
    } catch (err) {
      // Counts are for the operator's eyes; losing a second of them is better than holding memory for an outage.
      this.log.warn({ err, fields: batch.size }, 'could not write refused-request counts');
    }
  }

  /** The counts of one hour: `{ "<reason>|<address>": n }`. */
  async hour(at: number): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(`${this.key}:${hourOf(at)}`);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
