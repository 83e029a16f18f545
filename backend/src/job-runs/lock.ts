import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const RELEASE = readFileSync(new URL('./lock-release.lua', import.meta.url), 'utf8');
const RENEW = readFileSync(new URL('./lock-renew.lua', import.meta.url), 'utf8');

export interface HeldLock {
  key: string;
  token: string;
  /** Aborted when the lock was lost (expired and possibly taken by someone else). */
  signal: AbortSignal;
  release(): Promise<void>;
}

/**
 * A Redis lock (`SET key token NX PX ttl`), renewed every ttl/3 while held so a
 * long job keeps it, and released only by its holder. If renewal finds the
 * key gone or taken, `signal` aborts so the job can stop early.
 */
export async function acquireLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | null> {
  const token = crypto.randomBytes(16).toString('hex');
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  const controller = new AbortController();
  let lastRenewed = Date.now();
  const timer = setInterval(() => {
    redis
      .eval(RENEW, 1, key, token, String(ttlMs))
      .then((res) => {
        if (res === 1) lastRenewed = Date.now();
        else controller.abort(new Error(`lock ${key} was lost`));
      })
      .catch(() => {
        if (Date.now() - lastRenewed > ttlMs) controller.abort(new Error(`lock ${key} could not be renewed`));
      });
  }, Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();
  let released = false;
  return {
    key,
    token,
    signal: controller.signal,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token).catch(() => {});
    },
  };
}

/**
 * Claims a one-time marker (a scheduled slot). Returns false if someone
 * already claimed it; the marker simply expires after `ttlMs`.
 */
export async function claimOnce(redis: Redis, key: string, ttlMs: number): Promise<boolean> {
  return (await redis.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
}

const LOCK_POLL_MS = 250;

/** Takes the lock, polling until it is free or `waitMs` has passed (then throws). */
export async function waitForLock(redis: Redis, key: string, o: { ttlMs: number; waitMs: number; signal?: AbortSignal | undefined }): Promise<HeldLock> {
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    o.signal?.throwIfAborted();
    const lock = await acquireLock(redis, key, o.ttlMs);
    if (lock) return lock;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`the lock ${key} stayed taken for ${Math.round(o.waitMs / 1000)} s; try again later`);
    await new Promise((r) => setTimeout(r, Math.min(LOCK_POLL_MS, left)));
  }
}
