/**
 * Benchmark scenario 3, the naive design: Offerly's own click route (same
 * node:http fast path, link cache, click classification, macros and redirect)
 * but each click is written to its MongoDB day partition with `insertOne`
 * inside the request, before the 302, instead of being handed to the queue.
 * The stored document is the worker's (`toClickDoc`); the visitor-uniqueness check
 * (a Redis round trip in the worker) is left out, which only favours this design.
 */
import { createContext } from '@offerly/backend/context';
import { clickPartition, partitionKey } from '@offerly/backend/db/raw-events';
import { startApiServer } from '@offerly/backend/http/server';
import { fatal, loadConfigOrExit, onShutdown } from '@offerly/backend/main/runtime';
import { toClickDoc } from '@offerly/backend/tracking/click-doc';
import { createClickHandler } from '@offerly/backend/tracking/click-handler';
import type { ClickEvent } from '@offerly/backend/tracking/click-event';
import { LinkCache } from '@offerly/backend/tracking/link-cache';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.MONGO_URL || !config.REDIS_URL) throw new Error('MONGO_URL and REDIS_URL must be set');
  const ctx = await createContext(config, { name: 'naive', mongoUrl: config.MONGO_URL, redisUrl: config.REDIS_URL });
  const cache = new LinkCache({ models: ctx.models, log: ctx.log, ttlMs: config.LINK_CACHE_TTL_MS, maxEntries: config.LINK_CACHE_MAX_ENTRIES });
  const unsubscribe = await cache.subscribe(ctx.redis, ctx.keys.cacheChannel, 'link-cache');
  const store = {
    async push(ev: ClickEvent): Promise<void> {
      const col = await clickPartition(ctx.db, partitionKey(ev.ts));
      await col.insertOne(toClickDoc(ev, ev.reason === null));
    },
  };
  const fastPath = createClickHandler({ config, log: ctx.log, cache, batcher: store });
  const server = await startApiServer(ctx, { port: config.PORT, host: config.HOST, fastPaths: [fastPath] });
  onShutdown(async () => {
    await server.close();
    await unsubscribe();
    await ctx.close();
  });
}

main().catch(fatal);
