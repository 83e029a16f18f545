import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TrustProxy } from './domain/client-address';
import { DATA_DIR, REPO_ROOT } from './services/paths';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url({ protocol: /^https?$/ });
const cron = z.string().regex(/^(\S+\s+){4,5}\S+$/, 'must be a cron expression such as "*/5 * * * *"');

/**
 * Every environment variable Offerly reads, with its default. A test keeps
 * the configuration table in docs/configuration.md and .env.example naming every one of them.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(5000),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,38}$/).default('offerly'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default('offerly'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_EXPIRES_IN: z.string().regex(/^\d+[smhd]$/, 'must look like 15m, 12h or 7d').default('7d'),
  CLIENT_URL: url.default('http://localhost:5173'),
  PUBLIC_TRACKING_URL: url.optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|yes|no|\d)$/, 'must be false, true (every proxy) or the number of proxies in front (0-9)')
    .transform((v): TrustProxy => (v === 'true' || v === 'yes' ? true : v === 'false' || v === 'no' ? 0 : Number(v)))
    .default(0),
  DATA_DIR: z.string().default(DATA_DIR),
  SPOOL_DIR: z.string().optional(),
  CLICK_BATCH_MAX: int(1, 10_000).default(500),
  CLICK_BATCH_WAIT_MS: int(0, 1000).default(0),
  CLICK_ENQUEUE_TIMEOUT_MS: int(10, 10_000).default(250),
  LINK_CACHE_TTL_MS: int(0, 3_600_000).default(30_000),
  LINK_CACHE_MAX_ENTRIES: int(100, 10_000_000).default(100_000),
  UNIQUE_CLICK_WINDOW_SECONDS: int(60, 30 * 86400).default(86_400),
  POSTBACK_CLICK_WAIT_SECONDS: int(0, 86_400).default(600),
  WORKER_CLICK_CONCURRENCY: int(1, 64).default(4),
  WORKER_CONVERSION_CONCURRENCY: int(1, 256).default(64),
  OUTBOUND_TIMEOUT_MS: int(100, 60_000).default(5000),
  OUTBOUND_ALLOW_PRIVATE: bool.default(false),
  OUTBOUND_BACKOFF_MS: int(10, 600_000).default(1000),
  WORKER_DELIVERY_CONCURRENCY: int(1, 256).default(8),
  WORKER_LOCK_MS: int(1000, 600_000).default(30_000),
  WORKER_STALLED_CHECK_MS: int(500, 600_000).default(30_000),
  POSTBACK_ENQUEUE_TIMEOUT_MS: int(10, 10_000).default(1000),
  POSTBACK_REPLAY_AFTER_SECONDS: int(0, 3600).default(30),
  LOGIN_MAX_PER_ACCOUNT_IP: int(1, 1000).default(5),
  LOGIN_WINDOW_SECONDS: int(1, 86_400).default(900),
  LOGIN_MAX_PER_ACCOUNT: int(1, 100_000).default(100),
  LOGIN_MAX_PER_IP: int(1, 100_000).default(100),
  LOGIN_SLOW_WINDOW_SECONDS: int(60, 30 * 86_400).default(86_400),
  REGISTER_MAX_PER_IP: int(1, 100_000).default(10),
  REGISTER_WINDOW_SECONDS: int(1, 7 * 86_400).default(3600),
  PASSWORD_MIN_SCORE: int(0, 4).default(3),
  DB_REQUEST_STALL_MS: int(100, 60_000).default(1500),
  PUBLIC_RATE_WINDOW_SECONDS: int(1, 3600).default(10),
  POSTBACK_MAX_PER_TOKEN: int(1, 10_000_000).default(3000),
  POSTBACK_MAX_PER_IP: int(1, 10_000_000).default(100),
  CLICK_MAX_ERRORS_PER_IP: int(1, 10_000_000).default(100),
  ROLLUP_LOOKBACK_HOURS: int(0, 24 * 14).default(3),
  RAW_RETENTION_DAYS: int(1, 3650).default(90),
  PAYOUT_HOLD_DAYS: int(0, 365).default(7),
  PAYOUT_MIN_CENTS: int(0, 100_000_000).default(5000),
  CRON_ROLLUP_HOURLY: cron.default('*/2 * * * *'),
  CRON_AUTO_APPROVE: cron.default('*/10 * * * *'),
  CRON_PAYOUTS: cron.default('30 2 * * *'),
  CRON_RETENTION: cron.default('45 3 * * *'),
  CRON_CHECK_LIST_COUNTERS: cron.default('15 4 * * *'),
  ANALYTICS_RAW_CACHE_MS: int(0, 600_000).default(5000),
  JOB_RUN_RETENTION_DAYS: int(1, 3650).default(30),
  SERVE_FRONTEND: bool.default(true),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DEMO_DATA: bool.default(true),
  ADVERTISER_APPROVAL: z.enum(['required', 'auto']).default('required'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'JWT_SECRET' | 'PUBLIC_TRACKING_URL' | 'SPOOL_DIR'> {
  JWT_SECRET: string;
  PUBLIC_TRACKING_URL: string;
  SPOOL_DIR: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads .env from the repository root if present; real environment variables win. */
export function loadDotEnv(file = path.join(REPO_ROOT, '.env')): void {
  if (!fs.existsSync(file)) return;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const [, key, raw] = m as unknown as [string, string, string];
    if (process.env[key] === undefined) process.env[key] = raw.replace(/^(['"])(.*)\1$/, '$2');
  }
}

/** In development a missing JWT secret is generated once and kept under the data dir. */
function devJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(48).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const SECRET_VARIABLES = new Set(['JWT_SECRET', 'ADMIN_PASSWORD', 'METRICS_TOKEN']);

/** A bad value as the start-up error shows it: secrets and URL passwords never reach the logs. */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (SECRET_VARIABLES.has(name)) return `${value.length} characters`;
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@'));
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const res = envSchema.safeParse(cleaned);
  if (!res.success) {
    throw new ConfigError(res.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${shownValue(String(i.path[0]), cleaned[String(i.path[0])])})`));
  }
  const e = res.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production');
  // Outbound postback URLs are affiliate input: in production, private addresses would let any affiliate probe the internal network.
  if (e.NODE_ENV === 'production' && e.OUTBOUND_ALLOW_PRIVATE) {
    problems.push('OUTBOUND_ALLOW_PRIVATE: must not be true when NODE_ENV=production (it lets affiliates make Offerly call internal addresses; it is for tests and local development only)');
  }
  if ((e.ADMIN_EMAIL && !e.ADMIN_PASSWORD) || (!e.ADMIN_EMAIL && e.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    ...e,
    JWT_SECRET: e.JWT_SECRET ?? (e.NODE_ENV === 'test' ? crypto.randomBytes(32).toString('hex') : devJwtSecret(e.DATA_DIR)),
    PUBLIC_TRACKING_URL: (e.PUBLIC_TRACKING_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    SPOOL_DIR: e.SPOOL_DIR ?? path.join(e.DATA_DIR, 'spool'),
  };
}
