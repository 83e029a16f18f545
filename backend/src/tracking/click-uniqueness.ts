import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { RedisKeys } from '../redis';
import type { ClickEvent } from './click-event';

export interface UniquenessDeps {
  redis: Redis;
  keys: RedisKeys;
  config: Pick<Config, 'UNIQUE_CLICK_WINDOW_SECONDS'>;
}

/**
 * Decides uniqueness idempotently: the first click of a visitor on a link
 * within the window stores its id in the key; a retry of that same click
 * reads its own id back and stays unique. Invalid clicks neither are unique
 * nor take the visitor's slot.
 */
export async function decideUniqueness(deps: UniquenessDeps, clicks: ClickEvent[]): Promise<boolean[]> {
  const out = clicks.map(() => false);
  const valid = clicks.map((c, i) => [c, i] as const).filter(([c]) => c.reason === null);
  if (valid.length === 0) return out;
  const pipe = deps.redis.pipeline();
  const window = String(deps.config.UNIQUE_CLICK_WINDOW_SECONDS);
  for (const [c] of valid) pipe.call('SET', deps.keys.uniqueClick(c.linkId, c.visitor), c.id, 'NX', 'GET', 'EX', window);
  const res = (await pipe.exec()) ?? [];
  valid.forEach(([c, i], k) => {
    const [err, prev] = res[k] ?? [new Error('missing reply'), null];
    if (err) throw err;
    out[i] = prev === null || prev === c.id;
  });
  return out;
}
