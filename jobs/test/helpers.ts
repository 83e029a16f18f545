import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import type { AppContext } from '@offerly/backend/context';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Environment for a real jobs process sharing a test context's database and Redis prefix. */
export function processEnv(ctx: AppContext, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MONGO_URL: inject('mongoUrl'),
    REDIS_URL: inject('redisUrl'),
    MONGO_DB: ctx.config.MONGO_DB,
    REDIS_PREFIX: ctx.config.REDIS_PREFIX,
    DATA_DIR: ctx.config.DATA_DIR,
    ...extra,
  };
}

export interface Spawned {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
