import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { parseConfig, type Env } from '../../src/config';
import { createContext, type AppContext, type ContextOptions } from '../../src/context';

/** A context on the shared test services with its own database and Redis prefix. */
export async function createTestContext(env: Partial<Record<keyof Env, string>> = {}, name = 'test', opts: Pick<ContextOptions, 'logDestination'> = {}): Promise<AppContext> {
  const id = crypto.randomBytes(5).toString('hex');
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGO_DB: `t_${id}`,
    REDIS_PREFIX: `t${id}`,
    DATA_DIR: path.join(os.tmpdir(), `offerly-t-${id}`),
    PORT: '0',
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    CLIENT_URL: 'http://localhost:5173',
    // Every test registers its accounts from 127.0.0.1; the registration tests set their own limit.
    REGISTER_MAX_PER_IP: '100000',
    ...env,
  });
  return createContext(config, { name, mongoUrl: inject('mongoUrl'), redisUrl: inject('redisUrl'), ...opts });
}

/** Drops the test database and the prefix's Redis keys, then closes everything. */
export async function destroyTestContext(ctx: AppContext): Promise<void> {
  await ctx.db.dropDatabase().catch(() => {});
  const keys = await ctx.redis.keys(`${ctx.keys.prefix}:*`).catch(() => [] as string[]);
  for (let i = 0; i < keys.length; i += 500) await ctx.redis.del(...keys.slice(i, i + 500)).catch(() => {});
  await ctx.close();
}
