import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { parseConfig, type Env } from '../../src/config';
import { createContext, type AppContext } from '../../src/context';
import { clicksCollectionName, listClickPartitions, type ClickDoc } from '../../src/db/raw-events';
import { dayStart, HOUR_MS, hourStart, minuteStart } from '../../src/domain/time-buckets';
import { PLATFORM_ID, readLive } from '../../src/realtime/live-counters';
import { reconcile, type ReconcileReport } from '../../src/reconcile/reconcile';
import { rollHours } from '../../src/rollups/hourly';
import { startMongo, startRedis } from '../../src/services';
import { REPO_ROOT } from '../../src/services/paths';
import { BROWSER_UA } from '../helpers/tracking';

/**
 * Fault-injection plumbing: private Redis / MongoDB-wire servers that a test
 * may stop and start again on the same port and data directory, real worker
 * processes that can be SIGKILLed, bounded click load, and the end-of-test
 * checks every fault test shares (stored exactly once, counted once,
 * reconciliation clean). Only processes started here are ever signalled, by pid.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `offerly-fault-${tag}-`));
}

/** A service the test owns: stop() and start() keep the port and the data directory. */
export interface OwnService {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  running(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /**
   * The server process this test started, or null when there is none to signal
   * (stopped, or a server kept in a process of its own). Never a non-positive
   * pid: process.kill(-1, sig) would signal every process of the user.
   */
  pid(): number | null;
  /** Sends `sig` to that process; throws when there is none. */
  signal(sig: NodeJS.Signals): void;
}

function signalOwn(what: string, pid: number | null, sig: NodeJS.Signals): void {
  if (pid === null || !Number.isInteger(pid) || pid <= 0) throw new Error(`no ${what} process of this test to send ${sig} to (pid ${String(pid)})`);
  process.kill(pid, sig);
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function ownRedis(dataDir: string): Promise<OwnService & { crash(): Promise<void> }> {
  let h: Awaited<ReturnType<typeof startRedis>> | null = await startRedis({ dataDir });
  const { port, url } = h;
  return {
    url,
    port,
    dataDir,
    running: () => h !== null,
    pid: () => h?.pid ?? null,
    signal: (sig) => signalOwn('redis-server', h?.pid ?? null, sig),
    // SIGTERM: Redis writes its AOF out and exits, as on an orderly restart.
    async stop() { await h?.stop(); h = null; },
    /** SIGKILL: the process dies at once, with only what it wrote to the AOF before that. */
    async crash() {
      const pid = h?.pid ?? null;
      signalOwn('redis-server', pid, 'SIGKILL');
      await until('the killed redis-server to be gone', () => processGone(pid!), 10_000, 20);
      h = null;
    },
    async start() { if (!h) h = await startRedis({ dataDir, port }); },
  };
}

export async function ownMongo(dataDir: string): Promise<OwnService> {
  let h: Awaited<ReturnType<typeof startMongo>> | null = await startMongo({ dataDir });
  const { port, url } = h;
  return {
    url,
    port,
    dataDir,
    running: () => h !== null,
    pid: () => h?.pid ?? null,
    signal: (sig) => signalOwn('MongoDB-wire server', h?.pid ?? null, sig),
    async stop() { await h?.stop(); h = null; },
    async start() { if (!h) h = await startMongo({ dataDir, port }); },
  };
}

export interface FaultEnv {
  mongoUrl: string;
  redisUrl: string;
  env: Partial<Record<keyof Env, string>>;
}

/** A context of its own (database, Redis prefix, spool dir) on the given servers, shared services by default. */
export async function faultContext(opts: { mongoUrl?: string; redisUrl?: string; env?: Partial<Record<keyof Env, string>>; name?: string } = {}): Promise<{ ctx: AppContext; fault: FaultEnv }> {
  const id = crypto.randomBytes(5).toString('hex');
  const env: Partial<Record<keyof Env, string>> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGO_DB: `f_${id}`,
    REDIS_PREFIX: `f${id}`,
    DATA_DIR: path.join(os.tmpdir(), `offerly-f-${id}`),
    PORT: '0',
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    LOGIN_MAX_PER_IP: '100000',
    REGISTER_MAX_PER_IP: '100000',
    ...opts.env,
  };
  const mongoUrl = opts.mongoUrl ?? inject('mongoUrl');
  const redisUrl = opts.redisUrl ?? inject('redisUrl');
  const ctx = await createContext(parseConfig(env), { name: opts.name ?? 'fault-test', mongoUrl, redisUrl });
  return { ctx, fault: { mongoUrl, redisUrl, env } };
}

/** A real process (`node --import tsx <entry>`) that the test can SIGKILL. */
export interface Child {
  readonly proc: ChildProcess;
  /** Null when the process could not be spawned (never a non-positive pid). */
  readonly pid: number | null;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `args` go after the entry (a job's name and window for `jobs/src/main.ts`). */
export function spawnProcess(entry: string, fault: FaultEnv, extra: Record<string, string> = {}, args: string[] = []): Child {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...fault.env,
    LOG_LEVEL: 'warn',
    MONGO_URL: fault.mongoUrl,
    REDIS_URL: fault.redisUrl,
    ...extra,
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    pid: proc.pid !== undefined && proc.pid > 0 ? proc.pid : null,
    output: () => out,
    exited,
    alive: () => !done,
    async kill(signal) {
      if (done) return;
      proc.kill(signal);
      await exited;
    },
  };
}

/** Polls until `fn` gives a truthy value; fails with `what` (and the last error) after the deadline. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}

export interface LoadResult {
  statuses: Record<number, number>;
  /** Click ids of every 302, in the order the answers came back. */
  redirected: string[];
  /** When each 302 came back (same order as `redirected`). */
  redirectedAt: number[];
  errors: string[];
}

/**
 * Fires `total` clicks at `url` with `concurrency` requests in flight, like
 * browsers would (no redirect following), and records the click id of every
 * redirect. `onProgress` is told after each answer, so a test can inject its
 * fault at a given point of the load; `before` may hold request i back until
 * the fault is in place.
 */
export async function fireClicks(
  url: string,
  total: number,
  opts: { concurrency?: number; onProgress?: (done: number) => void | Promise<void>; before?: (i: number) => void | Promise<void> } = {},
): Promise<LoadResult> {
  const result: LoadResult = { statuses: {}, redirected: [], redirectedAt: [], errors: [] };
  let next = 0;
  let done = 0;
  const one = async (i: number) => {
    await opts.before?.(i);
    try {
      // Distinct visitors (the X-Forwarded-For is not trusted, so the UA makes them distinct) and subs.
      const res = await fetch(`${url}?sub1=s${i % 7}&sub2=${i}`, { redirect: 'manual', headers: { 'user-agent': `${BROWSER_UA} load/${i % 500}` } });
      await res.arrayBuffer();
      result.statuses[res.status] = (result.statuses[res.status] ?? 0) + 1;
      if (res.status === 302) {
        const id = /[?&]cid=([0-9a-f]{32})/.exec(res.headers.get('location') ?? '')?.[1];
        if (id) {
          result.redirected.push(id);
          result.redirectedAt.push(Date.now());
        }
        else result.errors.push(`302 without a click id: ${res.headers.get('location')}`);
      }
    } catch (err) {
      result.errors.push((err as Error).message);
    }
    done++;
    await opts.onProgress?.(done);
  };
  await Promise.all(
    Array.from({ length: opts.concurrency ?? 50 }, async () => {
      while (next < total) await one(next++);
    }),
  );
  return result;
}

/** Every stored click id, across day partitions (duplicates kept, so they can be counted). */
export async function storedClickIds(ctx: AppContext): Promise<string[]> {
  const out: string[] = [];
  for (const day of await listClickPartitions(ctx.db)) {
    const docs = await ctx.db.collection<ClickDoc>(clicksCollectionName(day)).find({}, { projection: { _id: 1 } }).toArray();
    for (const d of docs) out.push(d._id);
  }
  return out;
}

export async function storedCount(ctx: AppContext): Promise<number> {
  let n = 0;
  for (const day of await listClickPartitions(ctx.db)) n += await ctx.db.collection(clicksCollectionName(day)).countDocuments({});
  return n;
}

/** Jobs of a queue not finished yet (waiting, delayed, active, prioritized, waiting for children). */
export async function unfinishedJobs(ctx: AppContext, queue: 'clicks' | 'conversions' = 'clicks'): Promise<number> {
  const c = await ctx.queues[queue].getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

/**
 * Waits until the click queue has nothing left to do, or `storedTotal` clicks are stored
 * and it is empty. A batch that failed for good also leaves the queue empty: the checks after
 * this one catch that.
 */
export async function waitDrained(ctx: AppContext, storedTotal: number, timeoutMs = 45_000): Promise<void> {
  let last = { stored: 0, unfinished: 0, failed: 0 };
  try {
    await until(
      `${storedTotal} clicks stored and the click queue empty`,
      async () => {
        const [stored, unfinished, failed] = await Promise.all([storedCount(ctx), unfinishedJobs(ctx), ctx.queues.clicks.getJobCounts('failed')]);
        last = { stored, unfinished, failed: failed.failed ?? 0 };
        return unfinished === 0 && (stored >= storedTotal || last.failed > 0);
      },
      timeoutMs,
      250,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (last seen: ${JSON.stringify(last)})`, { cause: err });
  }
}

/**
 * The platform's live click counters from `startedAt` to now, read two ways:
 * the sum of the per-minute counters of those minutes, and the sum of the
 * per-day counters of the UTC day(s) they span, so a test that runs across
 * midnight compares with both days instead of only the new "today". Fault
 * tests are short (minute counters are kept 2 h) and their contexts hold only
 * clicks made after `startedAt`.
 */
export async function liveClicksSince(ctx: AppContext, startedAt: number, now = Date.now()): Promise<{ byMinute: number; byDay: number }> {
  const minutes = Math.round((minuteStart(now) - minuteStart(startedAt)) / 60_000) + 1;
  const atEnd = await readLive(ctx.redis, ctx.keys, 'platform', PLATFORM_ID, now, minutes);
  let byDay = atEnd.today.clicks;
  for (let day = dayStart(startedAt); day < dayStart(now); day += 86_400_000) {
    byDay += (await readLive(ctx.redis, ctx.keys, 'platform', PLATFORM_ID, day, 1)).today.clicks;
  }
  return { byMinute: atEnd.minutes.reduce((n, m) => n + m.clicks, 0), byDay };
}

/**
 * The checks every click fault test ends with: the stored click ids are exactly
 * the redirected ones, each stored once; no click batch failed for good; the
 * live counters (platform, per minute and per day since `startedAt`) count
 * each once; after rolling the hours of the load, the rollup holds as many
 * clicks as are stored and reconciliation finds no difference.
 */
export async function assertExactlyOnce(ctx: AppContext, redirected: string[], startedAt: number): Promise<ReconcileReport> {
  const unique = new Set(redirected);
  expect(unique.size, 'a click id was handed out twice').toBe(redirected.length);
  const stored = await storedClickIds(ctx);
  expect(stored.length, 'stored count (duplicates would show here)').toBe(new Set(stored).size);
  const missing = redirected.filter((id) => !stored.includes(id));
  expect(missing, 'redirected but not stored').toEqual([]);
  const extra = stored.filter((id) => !unique.has(id));
  expect(extra, 'stored but never redirected').toEqual([]);
  expect(await ctx.queues.clicks.getJobCounts('failed')).toEqual({ failed: 0 });

  const live = await liveClicksSince(ctx, startedAt);
  expect(live.byMinute, 'live counters of the minutes since the test started').toBe(stored.length);
  expect(live.byDay, 'live counters of the UTC days since the test started').toBe(stored.length);

  return assertReconciled(ctx, startedAt, { clicks: stored.length });
}

/**
 * Rolls every hour from `startedAt` to now, then reconciles that window as
 * if the hours had settled (nowMs past the settle delay, so the current hour
 * is compared instead of being skipped as still settling), the dashboard
 * lists' counters included.
 */
export async function assertReconciled(ctx: AppContext, startedAt: number, expected: { clicks?: number } = {}): Promise<ReconcileReport> {
  const from = hourStart(startedAt - HOUR_MS);
  const to = hourStart(Date.now()) + HOUR_MS;
  const hours: number[] = [];
  for (let h = from; h < to; h += HOUR_MS) hours.push(h);
  const rolled = await rollHours(ctx, hours);
  if (expected.clicks !== undefined) expect(rolled.clicks, 'clicks in the rollup').toBe(expected.clicks);
  // The lists' counters too, whatever the hour: issue 11 wants them equal to their rows after every fault.
  const report = await reconcile(ctx, { fromMs: from, toMs: to, nowMs: to + 2 * HOUR_MS, listCounters: true });
  expect(report.listCounters).toBe(true);
  expect(report.skipped.dirtyHours).toEqual([]);
  expect(report.skipped.settlingHours).toEqual([]);
  expect(report.differences).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.checked.hours).toBe(hours.length);
  return report;
}
