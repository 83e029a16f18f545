import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadDotEnv, parseConfig, ConfigError, type Config } from '../config';

export interface ServiceUrls {
  mongoUrl: string;
  redisUrl: string;
}

export const servicesFile = (dataDir: string) => path.join(dataDir, 'services.json');

function portOpen(url: string): Promise<boolean> {
  const u = new URL(url.replace(/^mongodb:/, 'http:').replace(/^redis:/, 'http:'));
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port) });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/**
 * Where MongoDB and Redis are: the environment, else the services that
 * `npm start` / `npm run services` started and recorded under the data dir.
 */
export async function resolveServiceUrls(config: Config): Promise<ServiceUrls> {
  if (config.MONGO_URL && config.REDIS_URL) return { mongoUrl: config.MONGO_URL, redisUrl: config.REDIS_URL };
  const file = servicesFile(config.DATA_DIR);
  if (fs.existsSync(file)) {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as ServiceUrls;
    const urls = { mongoUrl: config.MONGO_URL ?? rec.mongoUrl, redisUrl: config.REDIS_URL ?? rec.redisUrl };
    if ((await portOpen(urls.mongoUrl)) && (await portOpen(urls.redisUrl))) return urls;
  }
  throw new ConfigError([
    'MONGO_URL and REDIS_URL are not set and no local services are running. Run `npm start` (everything), ' +
      'or `npm run services` in another terminal, or set both variables.',
  ]);
}

/** Loads .env and validates the environment, printing every problem and exiting on bad config. */
export function loadConfigOrExit(): Config {
  loadDotEnv();
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits; a second signal exits at
 * once. A process started by `npm start` (with an IPC channel) also stops
 * when `npm start` is gone, so it never outlives the stack.
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: NodeJS.Signals | 'disconnect') => {
    if (stopping) process.exit(1);
    stopping = true;
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        console.error(`error while stopping after ${sig}:`, err);
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  if (process.send) process.once('disconnect', () => { if (!stopping) handler('disconnect'); });
}

export function fatal(err: unknown): never {
  if (err instanceof ConfigError || (err as Error)?.name === 'MissingServiceError' || err instanceof Error) {
    console.error((err as Error).message);
  } else {
    console.error(err);
  }
  process.exit(1);
}
