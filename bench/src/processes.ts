import crypto from 'node:crypto';
import path from 'node:path';
import { spawnManaged, type ManagedProcess } from '@offerly/backend/services/child-process';
import { freePort, waitForPort } from '@offerly/backend/services/free-port';
import { REPO_ROOT } from '@offerly/backend/services/paths';

export const progress = (m: string): void => {
  process.stderr.write(`[bench] ${m}\n`);
};

/** Where one bench target stores its data: its own database and Redis prefix on the shared services. */
export interface Target {
  mongoUrl: string;
  redisUrl: string;
  mongoDb: string;
  redisPrefix: string;
  jwtSecret: string;
  dataDir: string;
}

export function newTarget(base: { mongoUrl: string; redisUrl: string; dataDir: string }, name: string): Target {
  const id = crypto.randomBytes(3).toString('hex');
  return {
    ...base,
    mongoDb: `bench_${name}_${id}`,
    redisPrefix: `bench-${name}-${id}`,
    jwtSecret: crypto.randomBytes(32).toString('hex'),
    dataDir: path.join(base.dataDir, `${name}-${id}`),
  };
}

/** The environment an Offerly process reads its configuration from (see backend/src/config.ts). */
export function targetEnv(t: Target, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGO_URL: t.mongoUrl,
    REDIS_URL: t.redisUrl,
    MONGO_DB: t.mongoDb,
    REDIS_PREFIX: t.redisPrefix,
    JWT_SECRET: t.jwtSecret,
    DATA_DIR: t.dataDir,
    SERVE_FRONTEND: 'false',
    ...extra,
  };
}

export interface ChildServer {
  name: string;
  url: string;
  /** Null when the process could not be spawned. */
  pid: number | null;
  /** Whether the process has ended (a worker that died would otherwise leave a drain waiting). */
  exited(): boolean;
  tail(): string;
  stop(): Promise<void>;
}

const children = new Set<ManagedProcess>();

/** Stops every child this process started (by pid, never by name). */
export async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([...children].map((c) => c.stop()));
  children.clear();
}

/**
 * Runs a TypeScript entry in its own node process (so it never shares an event
 * loop with the load generator). With `listen`, PORT is set to a free port and
 * the call resolves once the port accepts connections.
 */
export async function spawnEntry(name: string, entry: string, env: NodeJS.ProcessEnv, opts: { listen: boolean; readyTimeoutMs?: number; settleMs?: number }): Promise<ChildServer> {
  const port = opts.listen ? await freePort() : 0;
  const child = spawnManaged(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry)], {
    env: { ...env, ...(opts.listen ? { PORT: String(port), HOST: '127.0.0.1' } : {}) },
    cwd: REPO_ROOT,
  });
  children.add(child);
  const stop = async () => {
    await child.stop('SIGTERM', 15_000);
    children.delete(child);
  };
  const died = new Promise<never>((_, reject) => {
    child.child.once('exit', (code) => reject(new Error(`${name} exited early (code ${code}):\n${child.tail()}`)));
  });
  died.catch(() => {});
  if (opts.listen) {
    await Promise.race([waitForPort(port, opts.readyTimeoutMs ?? 60_000), died]);
  } else {
    // A worker has no port; give it a moment to connect and fail loudly if it cannot start.
    await Promise.race([new Promise((r) => setTimeout(r, opts.settleMs ?? 1500)), died]);
  }
  progress(`${name} started (pid ${child.pid}${opts.listen ? `, port ${port}` : ''})`);
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid, exited: () => child.exited(), tail: () => child.tail(), stop };
}

/** The real API process (backend/src/main/api.ts): click fast path, REST API, Socket.IO. */
export const startOfferlyApi = (t: Target, extra: Record<string, string> = {}) => spawnEntry('offerly api', 'backend/src/main/api.ts', targetEnv(t, extra), { listen: true });

/** The real worker process (backend/src/main/worker.ts): clicks, conversions and deliveries queues. */
export const startOfferlyWorker = (t: Target, extra: Record<string, string> = {}) => spawnEntry('offerly worker', 'backend/src/main/worker.ts', targetEnv(t, extra), { listen: false });

/** Scenario 1: a bare node:http server answering 302 with no I/O. */
export const startCeiling = () => spawnEntry('ceiling', 'bench/src/servers/ceiling.ts', { PATH: process.env.PATH, HOME: process.env.HOME }, { listen: true });

/** Scenario 3: the click route storing each click in MongoDB before it redirects. */
export const startNaive = (t: Target) => spawnEntry('naive', 'bench/src/servers/naive.ts', targetEnv(t), { listen: true });
