import fs from 'node:fs';
import { startLocalServices } from '../services';
import { fatal, loadConfigOrExit, onShutdown, servicesFile } from './runtime';

/** `npm run services`: only MongoDB and Redis, for running api/worker/jobs in separate terminals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const services = await startLocalServices({ dataDir: config.DATA_DIR, redisUrl: config.REDIS_URL, mongoUrl: config.MONGO_URL, log: console.log });
  fs.writeFileSync(servicesFile(config.DATA_DIR), JSON.stringify({ mongoUrl: services.mongoUrl, redisUrl: services.redisUrl, pid: process.pid }));
  console.log(`MONGO_URL=${services.mongoUrl} (${services.mongoKind})  REDIS_URL=${services.redisUrl}  — Ctrl-C to stop`);
  onShutdown(async () => {
    await services.stop();
    fs.rmSync(servicesFile(config.DATA_DIR), { force: true });
  });
}

main().catch(fatal);
