import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../services/paths';

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

/** Builds the dashboard when frontend/dist is missing or older than its sources. */
export async function buildFrontendIfStale(log: (m: string) => void): Promise<void> {
  const fe = path.join(REPO_ROOT, 'frontend');
  const built = path.join(fe, 'dist', 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((f) => newestMtime(path.join(fe, f)));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= Math.max(...sources)) return;
  log('building the dashboard (vite)…');
  // Always React's production build: a NODE_ENV=development in the environment would make Vite build the development one.
  const env = { ...process.env, NODE_ENV: 'production' };
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: fe, env, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('dashboard build failed');
}
