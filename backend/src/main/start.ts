import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startLocalServices } from '../services';
import { REPO_ROOT } from '../services/paths';
import { buildFrontendIfStale } from './frontend-build';
import { fatal, loadConfigOrExit, servicesFile } from './runtime';

/** The processes `npm start` runs; each is also runnable on its own (npm run api|worker|jobs). */
export const STACK_PROCESSES: Array<{ name: string; entry: string }> = [
  { name: 'api', entry: 'backend/src/main/api.ts' },
  { name: 'worker', entry: 'backend/src/main/worker.ts' },
  { name: 'jobs', entry: 'jobs/src/main.ts' },
];

/** Ten days of traffic: fills the dashboard's default 7-day charts and leaves payouts to review; about 40 s on 2 cores. */
export const DEMO_SEED_ARGS = ['--days', '10', '--clicks', '50000'];

async function databaseIsEmpty(mongoUrl: string, dbName: string): Promise<boolean> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    return (await client.db(dbName).collection('users').estimatedDocumentCount()) === 0;
  } finally {
    await client.close();
  }
}

interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
}

async function waitHealthy(url: string, children: Child[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = children.find((c) => c.proc.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited during start-up; see ${dead.logFile}\n${tail(dead.logFile)}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`API did not become healthy within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-25).join('\n');
  } catch {
    return '';
  }
}

/**
 * `npm start`: local MongoDB-wire server and Redis (unless MONGO_URL/REDIS_URL
 * are set), the dashboard build, then API, worker and jobs as child processes.
 * Ctrl-C stops all of it, services included.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = (m: string) => console.log(`[offerly] ${m}`);
  const logsDir = path.join(config.DATA_DIR, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });

  const services = await startLocalServices({ dataDir: config.DATA_DIR, redisUrl: config.REDIS_URL, mongoUrl: config.MONGO_URL, log });
  fs.writeFileSync(servicesFile(config.DATA_DIR), JSON.stringify({ mongoUrl: services.mongoUrl, redisUrl: services.redisUrl, pid: process.pid }));

  const children: Child[] = [];
  let seeding: ChildProcess | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (seeding && seeding.exitCode === null && seeding.signalCode === null) {
      const seed = seeding;
      await new Promise<void>((resolve) => {
        seed.once('exit', () => resolve());
        seed.kill('SIGTERM');
      });
    }
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.proc.kill('SIGKILL'), 10_000);
            c.proc.once('exit', (exitCode, signal) => {
              clearTimeout(timer);
              log(`${c.name} stopped (${signal ?? `exit ${exitCode}`})`);
              resolve();
            });
            c.proc.kill('SIGTERM');
          }),
      ),
    );
    await services.stop();
    fs.rmSync(servicesFile(config.DATA_DIR), { force: true });
    log('stopped');
    process.exit(code);
  };
  // The children run in their own process groups (a terminal's Ctrl-C reaches only this process),
  // so they stop in order: API, worker and jobs first, then the services they use.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(0));

  try {
    if (config.SERVE_FRONTEND) await buildFrontendIfStale(log);
    const env = { ...process.env, MONGO_URL: services.mongoUrl, REDIS_URL: services.redisUrl };
    let demoLoaded = false;
    if (config.NODE_ENV === 'development' && config.DEMO_DATA && (await databaseIsEmpty(services.mongoUrl, config.MONGO_DB))) {
      log(`empty database: loading demo data first (npm run seed -- ${DEMO_SEED_ARGS.join(' ')}; DEMO_DATA=false skips this)…`);
      const seed = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'seed/src/main.ts'), ...DEMO_SEED_ARGS], { cwd: REPO_ROOT, env, stdio: 'inherit', detached: true });
      seeding = seed;
      const seedCode = await new Promise<number | null>((resolve) => seed.once('exit', (c) => resolve(c)));
      seeding = null;
      if (stopping) return;
      demoLoaded = seedCode === 0;
      if (!demoLoaded) log(`demo data could not be loaded (seed exit ${seedCode}); starting without it. \`npm run seed\` tries again.`);
    }
    for (const p of STACK_PROCESSES) {
      const logFile = path.join(logsDir, `${p.name}.log`);
      const out = fs.openSync(logFile, 'a');
      const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, p.entry)], { cwd: REPO_ROOT, env, stdio: ['ignore', out, out, 'ipc'], detached: true });
      fs.closeSync(out);
      children.push({ name: p.name, proc, logFile });
      proc.once('exit', (code, signal) => {
        if (stopping) return;
        console.error(`[offerly] ${p.name} stopped unexpectedly (${signal ?? `exit ${code}`}); last lines of ${logFile}:\n${tail(logFile)}`);
        void stop(1);
      });
    }
    const url = `http://localhost:${config.PORT}`;
    await waitHealthy(url, children, 60_000);
    console.log(
      `Offerly is running: dashboard ${url} · API ${url}/api · tracking ${config.PUBLIC_TRACKING_URL}/c/<linkId> ` +
        `(${STACK_PROCESSES.map((p) => p.name).join(' + ')}; MongoDB: ${services.mongoKind}, Redis: ${services.redisKind}; logs in ${path.resolve(logsDir)})` +
        `${demoLoaded ? '; demo accounts in the README, e.g. advertiser@offerly.local / demo-password-2026' : ''}. Ctrl-C to stop.`,
    );
  } catch (err) {
    console.error(`[offerly] ${(err as Error).message}`);
    await stop(1);
  }
}

main().catch(fatal);
