import fs from 'node:fs';
import path from 'node:path';
import { positivePid, spawnManaged, which } from './child-process';
import { ensureFerretDb, ferretDbBinaryPath } from './ferretdb-build';
import { freePort, waitForPort } from './free-port';
import { MissingServiceError } from './errors';
import type * as MemoryServer from 'mongodb-memory-server-core';

type MemoryServerModule = typeof MemoryServer;

export type MongoKind = 'mongod' | 'ferretdb' | 'memory-server';

export interface MongoHandle {
  url: string;
  port: number;
  kind: MongoKind;
  dataDir: string;
  /**
   * The server process, for tests that inject faults into it; null when there is
   * no process of ours to signal (never a non-positive pid: kill(-1) signals every process of the user).
   */
  pid: number | null;
  stop(): Promise<void>;
}

async function startMongod(bin: string, dataDir: string, port: number): Promise<MongoHandle> {
  const dbPath = path.join(dataDir, 'mongod');
  fs.mkdirSync(dbPath, { recursive: true });
  const proc = spawnManaged(bin, ['--dbpath', dbPath, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'], {
    logFile: path.join(dataDir, 'mongod.log'),
  });
  try {
    await waitForPort(port, 30_000);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(`mongod failed to start: ${(err as Error).message}\n${proc.tail()}`, { cause: err });
  }
  return { url: `mongodb://127.0.0.1:${port}`, port, kind: 'mongod', dataDir, pid: proc.pid, stop: () => proc.stop('SIGTERM', 10_000) };
}

async function startFerretDb(bin: string, dataDir: string, port: number): Promise<MongoHandle> {
  const sqliteDir = path.join(dataDir, 'ferretdb');
  fs.mkdirSync(sqliteDir, { recursive: true });
  const proc = spawnManaged(bin, [
    '--handler=sqlite',
    `--sqlite-url=file:${sqliteDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    `--state-dir=${sqliteDir}`,
    '--log-level=warn',
  ], { logFile: path.join(dataDir, 'ferretdb.log') });
  try {
    await waitForPort(port, 20_000);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(`FerretDB failed to start: ${(err as Error).message}\n${proc.tail()}`, { cause: err });
  }
  return { url: `mongodb://127.0.0.1:${port}`, port, kind: 'ferretdb', dataDir, pid: proc.pid, stop: () => proc.stop('SIGTERM', 10_000) };
}

async function startMemoryServer(dataDir: string, port: number): Promise<MongoHandle> {
  let mod: MemoryServerModule;
  try {
    mod = await import('mongodb-memory-server-core');
  } catch {
    throw new MissingServiceError('mongodb-memory-server-core is not installed; run `npm install` first.');
  }
  const dbPath = path.join(dataDir, 'memory-server');
  fs.mkdirSync(dbPath, { recursive: true });
  const server = await mod.MongoMemoryServer.create({ instance: { port, ip: '127.0.0.1', dbPath, storageEngine: 'wiredTiger' } });
  return {
    url: server.getUri().replace(/\/$/, ''),
    port,
    kind: 'memory-server',
    dataDir,
    // The mongod that the memory server spawned as our child.
    pid: positivePid(server.instanceInfo?.instance.mongodProcess?.pid),
    stop: async () => { await server.stop({ doCleanup: false }); },
  };
}

/**
 * Starts a private MongoDB-wire server: mongod if installed, else FerretDB
 * (built from source once), else a downloaded mongod via mongodb-memory-server-core.
 * OFFERLY_MONGO=mongod|ferretdb|memory forces one.
 */
export async function startMongo(opts: { dataDir: string; port?: number; log?: (m: string) => void }): Promise<MongoHandle> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const forced = process.env.OFFERLY_MONGO;
  const mongod = which('mongod');
  if ((forced === undefined || forced === 'mongod') && mongod) return startMongod(mongod, opts.dataDir, port);
  if (forced === 'mongod') throw new MissingServiceError('OFFERLY_MONGO=mongod but mongod is not on PATH.');
  if (forced === 'memory') return startMemoryServer(opts.dataDir, port);
  // Last resort, for a machine with neither mongod nor Go (nor a FerretDB built earlier): a mongod downloaded at run time.
  if (forced === undefined && !which('go') && !process.env.FERRETDB_BIN && !fs.existsSync(ferretDbBinaryPath())) return startMemoryServer(opts.dataDir, port);
  const bin = ensureFerretDb(opts.log);
  return startFerretDb(bin, opts.dataDir, port);
}
