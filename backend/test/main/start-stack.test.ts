import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/services/free-port';
import { REPO_ROOT } from '../../src/services/paths';

/**
 * `npm start` as a newcomer runs it: its own Redis and MongoDB-wire server,
 * API, worker and jobs, one ready line; Ctrl-C (SIGINT to its process group,
 * as a terminal sends it) stops everything it started, in order.
 */
const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });

const portOf = (url: string) => Number(new URL(url.replace(/^(mongodb|redis):/, 'http:')).port);

const children: ChildProcess[] = [];
const dataDirs: string[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(-c.pid, 'SIGKILL');
  for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
});

interface StartedStack {
  child: ChildProcess;
  port: number;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `start.ts` as `npm start` does, on its own services and data dir, until its ready line. */
async function startStack(over: NodeJS.ProcessEnv, readyWithinMs: number): Promise<StartedStack> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-start-'));
  dataDirs.push(dataDir);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, PORT: String(port), SERVE_FRONTEND: 'false', LOG_LEVEL: 'warn', ...over };
  delete env.REDIS_URL;
  delete env.MONGO_URL;
  // Where the tests run on an external MongoDB (TEST_MONGO_URL), the stack uses it too; Redis is always its own.
  if (inject('mongoKind') === 'external' || inject('mongoKind') === 'memory-server') env.MONGO_URL = inject('mongoUrl');
  env.MONGO_DB = `start_${process.pid}_${port}`;

  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'backend/src/main/start.ts')], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + readyWithinMs;
  while (!/Offerly is running/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, port, env, dataDir, output: () => output, exited };
}

/** Ctrl-C as a terminal sends it (SIGINT to the process group); resolves with the exit code. */
async function interrupt(stack: StartedStack): Promise<number | null | 'timeout'> {
  process.kill(-stack.child.pid!, 'SIGINT');
  return Promise.race([stack.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
}

describe('npm start', () => {
  it('starts the whole stack on services it starts itself, and Ctrl-C stops all of it cleanly', async () => {
    const stack = await startStack({ DEMO_DATA: 'false', ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'start-test-password' }, 90_000);
    const { port, env, dataDir, output } = stack;
    const readyLines = output().split('\n').filter((l) => l.startsWith('Offerly is running'));
    expect(readyLines).toHaveLength(1);
    expect(readyLines[0]).toContain(`http://localhost:${port}`);
    // The log directory as an absolute path, usable from any working directory.
    expect(readyLines[0]).toContain(`logs in ${path.join(dataDir, 'logs')})`);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', mongo: { ok: true }, redis: { ok: true } });
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'root@example.test', password: 'start-test-password' }) });
    expect(login.status).toBe(200);
    // DEMO_DATA=false: the stack starts empty, without running the seed.
    expect(output()).not.toMatch(/loading demo data/);

    const services = JSON.parse(fs.readFileSync(path.join(dataDir, 'services.json'), 'utf8')) as { mongoUrl: string; redisUrl: string };
    const started = [port, portOf(services.redisUrl), ...(env.MONGO_URL ? [] : [portOf(services.mongoUrl)])];
    for (const p of started) expect(await portOpen(p)).toBe(true);

    const code = await interrupt(stack);
    expect(code, output()).toBe(0);
    for (const name of ['api', 'worker', 'jobs']) expect(output()).toContain(`[offerly] ${name} stopped (exit 0)`);
    expect(output()).not.toMatch(/stopped unexpectedly/);
    expect(output().trimEnd().endsWith('[offerly] stopped')).toBe(true);
    for (const p of started) expect(await portOpen(p)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'services.json'))).toBe(false);
  }, 150_000);

  it('loads the demo data on a first start, so each demo account signs in to populated stats and payouts to review', async () => {
    const stack = await startStack({}, 300_000);
    const base = `http://127.0.0.1:${stack.port}`;
    expect(stack.output()).toMatch(/empty database: loading demo data first/);
    expect(stack.output()).toMatch(/demo accounts in the README, e\.g\. advertiser@offerly\.local \/ demo-password-2026/);
    const signIn = async (email: string, password: string) => {
      const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      expect(res.status, email).toBe(200);
      const { token } = (await res.json()) as { token: string };
      return async <T>(url: string): Promise<T> => {
        const r = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
        expect(r.status, url).toBe(200);
        return (await r.json()) as T;
      };
    };
    type Report = { totals: { clicks: number; conversions: number }; series: Array<{ clicks: number }> };

    const advertiser = await signIn('advertiser@offerly.local', 'demo-password-2026');
    const campaigns = await advertiser<{ items: Array<{ id: string; status: string }> }>('/api/campaigns?limit=50');
    expect(campaigns.items.length).toBeGreaterThan(0);
    const reports = await Promise.all(campaigns.items.map((c) => advertiser<Report>(`/api/analytics/campaign/${c.id}?groupBy=affiliate`)));
    expect(reports.some((r) => r.totals.clicks > 0 && r.totals.conversions > 0)).toBe(true);
    // A chart with a line, not one lone point: clicks on several days of the last week.
    expect(Math.max(...reports.map((r) => r.series.filter((p) => p.clicks > 0).length))).toBeGreaterThan(3);

    const affiliate = await signIn('affiliate@offerly.local', 'demo-password-2026');
    expect((await affiliate<Report>('/api/analytics/affiliate')).totals.clicks).toBeGreaterThan(0);

    const admin = await signIn('admin@offerly.local', 'admin-password');
    const overview = await admin<Report & { topCampaigns: unknown[] }>('/api/analytics/overview');
    expect(overview.totals.clicks).toBeGreaterThan(0);
    expect(overview.topCampaigns.length).toBeGreaterThan(0);
    expect((await admin<{ total: number }>('/api/payouts?status=pending_approval')).total).toBeGreaterThan(0);

    expect(await interrupt(stack), stack.output()).toBe(0);
  }, 420_000);
});
