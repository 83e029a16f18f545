import path from 'node:path';
import { startMongo, type MongoKind } from './mongo-server';
import { startRedis } from './redis-server';

export interface LocalServices {
  redisUrl: string;
  mongoUrl: string;
  mongoKind: MongoKind | 'external';
  redisKind: 'redis-server' | 'external';
  stop(): Promise<void>;
}

/**
 * Provides Redis and a MongoDB-wire server: the given URLs when set,
 * otherwise private instances under dataDir that stop with the returned handle.
 */
export async function startLocalServices(opts: {
  dataDir: string;
  redisUrl?: string | undefined;
  mongoUrl?: string | undefined;
  log?: (m: string) => void;
}): Promise<LocalServices> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    let redisUrl = opts.redisUrl;
    let redisKind: LocalServices['redisKind'] = 'external';
    if (!redisUrl) {
      const r = await startRedis({ dataDir: path.join(opts.dataDir, 'redis'), log: opts.log });
      stops.push(r.stop);
      redisUrl = r.url;
      redisKind = 'redis-server';
    }
    let mongoUrl = opts.mongoUrl;
    let mongoKind: LocalServices['mongoKind'] = 'external';
    if (!mongoUrl) {
      const m = await startMongo({ dataDir: path.join(opts.dataDir, 'mongo'), log: opts.log });
      stops.push(m.stop);
      mongoUrl = m.url;
      mongoKind = m.kind;
    }
    return { redisUrl, mongoUrl, redisKind, mongoKind, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export { startRedis } from './redis-server';
export { startMongo } from './mongo-server';
export { ensureFerretDb } from './ferretdb-build';
export { MissingServiceError } from './errors';
