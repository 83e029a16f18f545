import { createContext } from '../context';
import { startWorkers } from '../workers';
import { fatal, loadConfigOrExit, onShutdown, resolveServiceUrls } from './runtime';

/** The worker process: drains the BullMQ queues into MongoDB and the live counters. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const urls = await resolveServiceUrls(config);
  const ctx = await createContext(config, { name: 'worker', ...urls });
  const stop = await startWorkers(ctx);
  onShutdown(async () => {
    await stop();
    await ctx.close();
  });
}

main().catch(fatal);
