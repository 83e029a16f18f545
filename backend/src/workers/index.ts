import type { AppContext } from '../context';
import { startClickWorker } from './click-worker';
import { startConversionWorker } from './conversion-worker';
import { startDeliveryWorker } from './delivery-worker';

/** Starts one BullMQ worker (or loop) and returns how to stop it gracefully. */
export type WorkerStarter = (ctx: AppContext) => Promise<() => Promise<void>>;

/** Every background worker the `worker` process runs. Feature areas add theirs here. */
export const WORKERS: Array<{ name: string; start: WorkerStarter }> = [
  { name: 'clicks', start: (ctx) => startClickWorker(ctx) },
  { name: 'conversions', start: startConversionWorker },
  { name: 'deliveries', start: startDeliveryWorker },
];

/** Starts the named workers (all by default); the returned function stops them in reverse order. */
export async function startWorkers(ctx: AppContext, names?: string[]): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  for (const w of WORKERS) {
    if (names && !names.includes(w.name)) continue;
    stops.push(await w.start(ctx));
    ctx.log.info({ worker: w.name }, 'worker started');
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
