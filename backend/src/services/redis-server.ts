import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnManaged } from './child-process';
import { ensureDebianPackage } from './system-packages';
import { freePort, waitForPort } from './free-port';

export interface RedisHandle {
  url: string;
  port: number;
  dataDir: string;
  /** The redis-server process, for tests that inject faults into it (null if it has none: never a non-positive pid). */
  pid: number | null;
  stop(): Promise<void>;
}


function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    sock.setTimeout(1000, () => { sock.destroy(); resolve(false); });
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) { sock.destroy(); resolve(buf.startsWith('+PONG')); }
    });
    sock.once('error', () => { sock.destroy(); resolve(false); });
  });
}

/**
 * Starts a private redis-server on loopback. AOF on and noeviction because
 * BullMQ loses jobs if Redis evicts keys or forgets writes on restart.
 */
export async function startRedis(opts: { dataDir: string; port?: number; log?: (m: string) => void }): Promise<RedisHandle> {
  const bin = ensureDebianPackage('redis-server', 'redis-server', opts.log);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const proc = spawnManaged(bin, [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', opts.dataDir,
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    '--save', '',
    '--daemonize', 'no',
    '--logfile', '',
  ], { logFile: path.join(opts.dataDir, 'redis.log') });
  try {
    await waitForPort(port, 10_000);
    const deadline = Date.now() + 10_000;
    // Redis accepts connections before it has finished loading the AOF.
    while (!(await ping(port))) {
      if (proc.exited() || Date.now() > deadline) throw new Error('redis-server did not answer PING');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(`redis-server failed to start on port ${port}: ${(err as Error).message}\n${proc.tail()}`, { cause: err });
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dataDir: opts.dataDir,
    pid: proc.pid,
    stop: () => proc.stop('SIGTERM', 5000),
  };
}
