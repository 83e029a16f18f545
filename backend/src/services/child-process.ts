import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ManagedProcess {
  /** The child's pid; null when it could not be spawned (never a non-positive number: kill(-1) signals every process). */
  readonly pid: number | null;
  readonly child: ChildProcess;
  /** Last lines of output, for error messages when the process dies early. */
  tail(): string;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  exited(): boolean;
}

/** A pid that is safe to signal, else null (0 and negative pids address process groups or every process). */
export function positivePid(pid: number | null | undefined): number | null {
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Spawns a service process we own. Only this exact child is ever signalled:
 * never processes found by name. It runs in its own process group, so a
 * Ctrl-C in the terminal reaches only the process that started it, which stops
 * its services in order (after the processes that use them).
 */
export function spawnManaged(cmd: string, args: string[], opts: { logFile?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): ManagedProcess {
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    detached: true,
  });
  const lines: string[] = [];
  const log = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: 'a' }) : null;
  const onData = (buf: Buffer) => {
    log?.write(buf);
    for (const line of buf.toString().split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let done = false;
  const exitP = new Promise<void>((resolve) => child.once('exit', () => { done = true; log?.end(); resolve(); }));
  child.once('error', (err) => { lines.push(String(err)); });
  return {
    get pid() { return positivePid(child.pid); },
    child,
    tail: () => lines.join('\n'),
    exited: () => done,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (done) return;
      child.kill(signal);
      const timer = setTimeout(() => { if (!done) child.kill('SIGKILL'); }, graceMs);
      await exitP;
      clearTimeout(timer);
    },
  };
}

export function which(cmd: string): string | null {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const d of dirs) {
    const p = `${d}/${cmd}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* not here */ }
  }
  return null;
}
