import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CACHE_DIR } from './paths';
import { which } from './child-process';
import { MissingServiceError } from './errors';

/** Pinned so a contract test run means the same checks on every machine; bump to upgrade. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** One virtualenv per version: a bump installs next to the old one instead of upgrading it in place. */
export function schemathesisVenvDir(): string {
  return path.join(CACHE_DIR, 'venv', `schemathesis-${SCHEMATHESIS_VERSION}`);
}

export function schemathesisBinaryPath(): string {
  return path.join(schemathesisVenvDir(), 'bin', 'schemathesis');
}

// Written last, so a virtualenv left half-installed by an interrupted pip is not taken for a ready one.
const markerPath = () => path.join(schemathesisVenvDir(), '.offerly-installed');

/** The installed command, or null when `npm run prepare:services` has not installed it yet. */
export function installedSchemathesis(): string | null {
  return fs.existsSync(markerPath()) && fs.existsSync(schemathesisBinaryPath()) ? schemathesisBinaryPath() : null;
}

/** Installs the OpenAPI contract tester from PyPI into a virtualenv under .cache (once per checkout) and returns its command. */
export function ensureSchemathesis(log: (m: string) => void = () => {}): string {
  const ready = installedSchemathesis();
  if (ready) return ready;
  const python = which('python3');
  if (!python) {
    throw new MissingServiceError('python3 is not installed; the API contract test needs it (Debian/Ubuntu: `sudo apt-get install -y python3 python3-venv`) and retry.');
  }
  const venv = schemathesisVenvDir();
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${path.relative(process.cwd(), venv) || venv} (once per checkout, ~1 min)…`);
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  try {
    execFileSync(python, ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    throw new MissingServiceError(`python3 could not create a virtualenv at ${venv} (Debian/Ubuntu: \`sudo apt-get install -y python3-venv\`) and retry.`);
  }
  const pip = path.join(venv, 'bin', 'pip');
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  execFileSync(pip, ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`], { stdio: ['ignore', 'inherit', 'inherit'], env });
  const version = execFileSync(schemathesisBinaryPath(), ['--version'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(markerPath(), `${version}\n`);
  log(`schemathesis ready: ${version}`);
  return schemathesisBinaryPath();
}
