import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connection flavours:
 * - `commands`: general use; commands wait briefly for a reconnect, then fail.
 * - `producer`: enqueueing from request handlers; fails at once when Redis is
 *   down so the click path can spool instead of hanging.
 * - `blocking`: BullMQ workers and subscribers; retries forever as BullMQ requires.
 */
export type RedisFlavour = 'commands' | 'producer' | 'blocking';

export function createRedis(url: string, flavour: RedisFlavour, name: string): Redis {
  const opts: RedisOptions = {
    connectionName: name,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    reconnectOnError: () => true,
  };
  if (flavour === 'producer') {
    Object.assign(opts, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  } else if (flavour === 'blocking') {
    Object.assign(opts, { maxRetriesPerRequest: null, enableReadyCheck: true });
  } else {
    Object.assign(opts, { maxRetriesPerRequest: 2 });
  }
  const client = new Redis(url, opts);
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  return client;
}

export function waitReady(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`Redis not ready after ${timeoutMs} ms`)); }, timeoutMs);
    const onReady = () => { cleanup(); resolve(); };
    const cleanup = () => { clearTimeout(timer); client.off('ready', onReady); };
    client.on('ready', onReady);
  });
}

/** All keys Offerly writes outside BullMQ, under one prefix so instances can share a Redis. */
export function redisKeys(prefix: string) {
  return {
    prefix,
    bullPrefix: `${prefix}:q`,
    cacheChannel: `${prefix}:cache-invalidate`,
    socketChannel: `${prefix}:socket.io`,
    uniqueClick: (linkId: string, visitor: string) => `${prefix}:uq:${linkId}:${visitor}`,
    /** Marks that a click batch's side effect (`live`, `spend`) was applied, so retries and copies apply it once. */
    clickBatchMark: (batchId: string, effect: string) => `${prefix}:cb:${batchId}:${effect}`,
    rateLimit: `${prefix}:rl`,
    live: (scope: string, id: string, bucket: string) => `${prefix}:live:${scope}:${id}:${bucket}`,
    jobLock: (job: string) => `${prefix}:lock:${job}`,
    jobSlot: (job: string, slot: string) => `${prefix}:slot:${job}:${slot}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
