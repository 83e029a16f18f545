import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { connectMongo, createModels, ensureIndexes, type Models } from './db/connection';
import { createLogger, type DestinationStream, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics/metrics';
import { createQueues, type Queues } from './queues';
import { createRedis, redisKeys, waitReady, type RedisKeys } from './redis';
import { SettingsStore } from './settings/settings-store';

/**
 * Everything a process needs, created once and passed down explicitly:
 * no module-level singletons, so tests can run isolated instances side by side.
 */
export interface AppContext {
  config: Config;
  log: Logger;
  conn: Connection;
  db: Db;
  models: Models;
  /** General-purpose Redis commands (rate limits, counters, locks, cache). */
  redis: Redis;
  /** Fail-fast connection used to enqueue from request handlers. */
  producer: Redis;
  keys: RedisKeys;
  queues: Queues;
  /** This process's Prometheus metrics (served by the API at /metrics). */
  metrics: Metrics;
  /** The platform settings admins change at run time (payout hold, minimum, schedule, advertiser approval). */
  settings: SettingsStore;
  /** Extra cleanup registered by subsystems (workers, sockets, subscribers). */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export interface ContextOptions {
  name: string;
  mongoUrl: string;
  redisUrl: string;
  /** Where log lines go (stdout when unset); tests capture them here. */
  logDestination?: DestinationStream;
}

export async function createContext(config: Config, opts: ContextOptions): Promise<AppContext> {
  const log = createLogger(config.LOG_LEVEL, opts.name, opts.logDestination);
  const conn = await connectMongo(opts.mongoUrl, config.MONGO_DB);
  const models = createModels(conn);
  await ensureIndexes(models, conn.db as Db);
  const redis = createRedis(opts.redisUrl, 'commands', `${opts.name}:cmd`);
  const producer = createRedis(opts.redisUrl, 'producer', `${opts.name}:producer`);
  await Promise.all([waitReady(redis), waitReady(producer)]);
  const keys = redisKeys(config.REDIS_PREFIX);
  const queues = createQueues(producer, keys.bullPrefix);
  const closers: Array<() => Promise<void> | void> = [];
  let closed = false;
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection has no database handle');
  const onClose = (fn: () => Promise<void> | void) => {
    closers.push(fn);
  };
  return {
    config,
    log,
    conn,
    db,
    models,
    redis,
    producer,
    keys,
    queues,
    metrics: createMetrics(),
    settings: new SettingsStore({ db, redis, channel: keys.cacheChannel, log, config, onClose }),
    onClose,
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.reverse()) {
        try { await fn(); } catch (err) { log.warn({ err }, 'error during close'); }
      }
      await Promise.allSettled(Object.values(queues).map((q) => q.close()));
      redis.disconnect();
      producer.disconnect();
      await conn.close();
    },
  };
}
