import { execFileSync } from 'node:child_process';
import { which } from './child-process';
import { MissingServiceError } from './errors';

let aptUpdated = false;

/**
 * Makes sure a Debian package's binary is on PATH. On a Debian/Ubuntu machine
 * where we are root (or have passwordless sudo) it is installed with apt;
 * anywhere else we stop with the command to run.
 */
export function ensureDebianPackage(binary: string, pkg: string, log: (m: string) => void = () => {}): string {
  const found = which(binary);
  if (found) return found;
  const apt = which('apt-get');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let sudo: string[] | null = isRoot ? [] : null;
  if (!isRoot && which('sudo')) {
    try {
      execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
      sudo = ['sudo', '-n'];
    } catch { /* sudo needs a password */ }
  }
  if (!apt || !sudo || process.env.OFFERLY_NO_APT === '1') {
    throw new MissingServiceError(`${binary} is not installed. Install the ${pkg} package (Debian/Ubuntu: \`sudo apt-get install -y ${pkg}\`) and retry.`);
  }
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...sudo, ...args] as [string, ...string[]];
    execFileSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  log(`installing ${pkg} with apt-get…`);
  if (!aptUpdated) {
    run(['apt-get', 'update', '-qq']);
    aptUpdated = true;
  }
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', pkg]);
  const after = which(binary);
  if (!after) throw new MissingServiceError(`apt-get installed ${pkg} but ${binary} is still not on PATH`);
  return after;
}
