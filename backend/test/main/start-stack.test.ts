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

let child: ChildProcess | null = null;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-start-'));

afterAll(() => {
  if (child && child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('starts the whole stack on services it starts itself, and Ctrl-C stops all of it cleanly', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, PORT: String(port), SERVE_FRONTEND: 'false', DEMO_DATA: 'false', LOG_LEVEL: 'warn', ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'start-test-password' };
    delete env.REDIS_URL;
    delete env.MONGO_URL;
    // Where the tests run on an external MongoDB (TEST_MONGO_URL), the stack uses it too; Redis is always its own.
    if (inject('mongoKind') === 'external' || inject('mongoKind') === 'memory-server') env.MONGO_URL = inject('mongoUrl');
    env.MONGO_DB = `start_${process.pid}`;

    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'backend/src/main/start.ts')], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 90_000;
    while (!/Offerly is running/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const readyLines = output.split('\n').filter((l) => l.startsWith('Offerly is running'));
    expect(readyLines).toHaveLength(1);
    expect(readyLines[0]).toContain(`http://localhost:${port}`);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', mongo: { ok: true }, redis: { ok: true } });
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'root@example.test', password: 'start-test-password' }) });
    expect(login.status).toBe(200);

    const services = JSON.parse(fs.readFileSync(path.join(dataDir, 'services.json'), 'utf8')) as { mongoUrl: string; redisUrl: string };
    const started = [port, portOf(services.redisUrl), ...(env.MONGO_URL ? [] : [portOf(services.mongoUrl)])];
    for (const p of started) expect(await portOpen(p)).toBe(true);

    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    expect(code, output).toBe(0);
    for (const name of ['api', 'worker', 'jobs']) expect(output).toContain(`[offerly] ${name} stopped (exit 0)`);
    expect(output).not.toMatch(/stopped unexpectedly/);
    expect(output.trimEnd().endsWith('[offerly] stopped')).toBe(true);
    for (const p of started) expect(await portOpen(p)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'services.json'))).toBe(false);
  }, 150_000);
});
