import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { keyEmail } from '../../backend/src/accounts/email-keys';
import { hashPassword } from '../../backend/src/auth/passwords';
import type { Env } from '../../backend/src/config';
import type { AppContext } from '../../backend/src/context';
import type { ApiServer } from '../../backend/src/http/server';
import { startApiStack } from '../../backend/src/main/api-stack';
import { freePort } from '../../backend/src/services/free-port';
import { REPO_ROOT } from '../../backend/src/services/paths';
import { ensureDebianPackage } from '../../backend/src/services/system-packages';
import { startWorkers } from '../../backend/src/workers';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts', 'screenshots');
export const PASSWORD = 'correct horse battery';

export const LAPTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * The whole stack in this process — API (serving a fresh dashboard build),
 * workers — on the shared test Redis and MongoDB-wire server, plus Debian's
 * headless chromium, started like backend/src/main/api.ts and worker.ts.
 */
export interface Stack {
  ctx: AppContext;
  server: ApiServer;
  baseUrl: string;
  browser: Browser;
  /** Page errors (uncaught exceptions in the dashboard) seen so far. */
  pageErrors: string[];
  newSession(opts?: { viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

/** Builds the dashboard into a temporary directory, as `npm start` builds frontend/dist. */
export async function buildDashboard(outDir: string): Promise<void> {
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    // The production build, as npm start serves it (vitest's NODE_ENV=test would make React's development build).
    const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: path.join(REPO_ROOT, 'frontend'), env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dashboard build failed (exit ${code}):\n${output}`))));
  });
  if (!fs.existsSync(path.join(outDir, 'index.html'))) throw new Error('dashboard build produced no index.html');
}

export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  if (fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    return ensureDebianPackage('chromium', 'chromium', (m) => console.log(`[e2e] ${m}`));
  } catch (err) {
    throw new Error(`The browser tests need Debian's chromium (apt-get install chromium) or CHROMIUM_PATH: ${(err as Error).message}`, { cause: err });
  }
}

export type StackEnv = Partial<Record<keyof Env, string>>;

/**
 * Settings of the browser stack: conversions are payable at once and any
 * amount makes a payout, so one conversion can go through a payout run.
 * Reports do not share raw answers between requests: the flows read a report
 * right after each change, and a shared answer may be up to
 * ANALYTICS_RAW_CACHE_MS old (how old depends on the machine's speed).
 * Outbound postbacks may call loopback: the affiliate's server in the flows
 * is a receiver on 127.0.0.1.
 */
export const E2E_ENV: StackEnv = { PAYOUT_HOLD_DAYS: '0', PAYOUT_MIN_CENTS: '100', ANALYTICS_RAW_CACHE_MS: '0', OUTBOUND_ALLOW_PRIVATE: 'true' };

/** `dashboard: false` skips building the dashboard, for tests of pages the API serves itself. */
export async function startStack(env: StackEnv = {}, opts: { dashboard?: boolean } = {}): Promise<Stack> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const ctx = await createTestContext({ ...E2E_ENV, ...env, PORT: String(port), PUBLIC_TRACKING_URL: baseUrl, CLIENT_URL: baseUrl }, 'e2e');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-e2e-'));
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(tmp, { recursive: true, force: true }), () => destroyTestContext(ctx)];
  const stop = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        console.warn(`[e2e] cleanup failed: ${(err as Error).message}`);
      }
    }
  };
  try {
    const staticDir = opts.dashboard === false ? null : path.join(tmp, 'dist');
    if (staticDir) await buildDashboard(staticDir);
    const server = await startApiStack(ctx, { port, host: '127.0.0.1', staticDir });
    cleanups.push(() => server.close());
    const stopWorkers = await startWorkers(ctx);
    cleanups.push(stopWorkers);

    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanups.push(() => browser.close());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });

    const pageErrors: string[] = [];
    const newSession: Stack['newSession'] = async (opts = {}) => {
      // A fresh context per role: its own cookies, like separate browsers.
      const context = await browser.newContext({ baseURL: baseUrl, viewport: opts.viewport ?? LAPTOP, locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
      return { context, page };
    };
    return { ctx, server, baseUrl, browser, pageErrors, newSession, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Admins cannot register; like the bootstrap, the test puts one in the database. */
export async function createAdminAccount(ctx: AppContext, email: string, name = 'Platform Admin'): Promise<void> {
  const user = await ctx.models.User.create({ email, passwordHash: await hashPassword(PASSWORD), role: 'admin', status: 'approved', name, statusHistory: [{ at: new Date(), to: 'approved', note: 'test admin' }] });
  // Keyed as every account the application creates is: signing in finds an account by its email key.
  await keyEmail(ctx.db, email, user._id);
}

/** Polls until `check` returns a value (not undefined/false) or the deadline passes. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * What sticks out past the right edge: the page's scroll width and the
 * outermost elements wider than the viewport (where the overflow starts).
 */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; viewportWidth: number; culprits: string[] }> {
  return (await page.evaluate(`(() => {
    const viewportWidth = window.innerWidth;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const right = el.getBoundingClientRect().right;
      const parent = el.parentElement;
      if (right <= viewportWidth + 0.5 || !parent || parent.getBoundingClientRect().right > viewportWidth + 0.5) continue;
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).slice(0, 4).join('.') : '';
      culprits.push(el.tagName.toLowerCase() + cls + ' (right ' + Math.round(right) + 'px): ' + (el.textContent || '').trim().slice(0, 60));
      if (culprits.length >= 5) break;
    }
    return { scrollWidth: document.documentElement.scrollWidth, viewportWidth, culprits };
  })()`)) as { scrollWidth: number; viewportWidth: number; culprits: string[] };
}

/**
 * Full-page screenshots at laptop and phone width, into the git-ignored
 * artifacts folder. At phone width the page must not scroll sideways.
 */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  const original = page.viewportSize() ?? LAPTOP;
  const files: string[] = [];
  for (const [suffix, size] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(size);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const file = path.join(SCREENSHOT_DIR, `${name}-${suffix}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
    if (size === PHONE) {
      const o = await horizontalOverflow(page);
      if (o.scrollWidth > size.width) {
        throw new Error(`${name}: the page is ${o.scrollWidth}px wide at phone width (${size.width}px) and scrolls sideways; see ${file}. Wider than the screen: ${o.culprits.join(' | ') || '(no single element)'}`);
      }
    }
  }
  await page.setViewportSize(original);
  return files;
}
