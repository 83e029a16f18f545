import { Throttle } from '../auth/throttle';
import type { AppContext } from '../context';
import { ClickBatcher } from './click-batcher';
import { createClickHandler } from './click-handler';
import type { ClickEvent } from './click-event';
import type { FastPath } from './fast-path';
import { LinkCache } from './link-cache';
import { ClickSpool } from './spool';

export interface ClickTracking {
  fastPath: FastPath;
  cache: LinkCache;
  batcher: ClickBatcher;
  spool: ClickSpool;
  /** Replays the spool now (the loop also does it every second while Redis is up). */
  replayNow(): ReturnType<ClickSpool['replay']>;
}

/**
 * The click path of one API process: link cache (subscribed to
 * invalidations), micro-batcher, spool and its replay loop, and the
 * node:http handler. Closing the fast path flushes buffered clicks.
 */
export async function startClickTracking(ctx: AppContext, opts: { onClick?: (ev: ClickEvent) => void; replayIntervalMs?: number } = {}): Promise<ClickTracking> {
  const { config } = ctx;
  const cache = new LinkCache({ models: ctx.models, log: ctx.log, ttlMs: config.LINK_CACHE_TTL_MS, maxEntries: config.LINK_CACHE_MAX_ENTRIES });
  const unsubscribe = await cache.subscribe(ctx.redis, ctx.keys.cacheChannel, 'link-cache');
  const spool = new ClickSpool(config.SPOOL_DIR, ctx.log);
  const batcher = new ClickBatcher({
    queue: ctx.queues.clicks,
    producer: ctx.producer,
    spool,
    log: ctx.log,
    maxBatch: config.CLICK_BATCH_MAX,
    waitMs: config.CLICK_BATCH_WAIT_MS,
    enqueueTimeoutMs: config.CLICK_ENQUEUE_TIMEOUT_MS,
  });
  const stopReplay = spool.startReplayLoop(ctx.queues.clicks, () => ctx.producer.status === 'ready', opts.replayIntervalMs);
  const errors = new Throttle(ctx.redis, `${ctx.keys.rateLimit}:click-err`, config.CLICK_MAX_ERRORS_PER_IP, config.PUBLIC_RATE_WINDOW_SECONDS);
  const handler = createClickHandler({ config, log: ctx.log, cache, batcher, onClick: opts.onClick, errorBudget: (ip) => errors.take(ip) });
  ctx.metrics.counterOf('offerly_click_answers_total', 'Tracking-link answers by HTTP status (302: redirected)', 'status', handler.counts.answers);
  ctx.metrics.counterOf('offerly_clicks_total', 'Clicks handed over to the queue or the spool, by validity (valid, or the invalid reason)', 'reason', handler.counts.clicks);
  ctx.metrics.gaugeOf('offerly_click_batches', 'Click micro-batches of this process since start, by where they went', ['to'], (set) => {
    set({ to: 'queue' }, batcher.stats.queued);
    set({ to: 'spool' }, batcher.stats.spooled);
  });
  ctx.metrics.gaugeOf('offerly_link_cache_events', 'Link cache activity of this process since start', ['event'], (set) => {
    for (const [event, n] of Object.entries(cache.stats)) set({ event }, n);
  });
  let closing: Promise<void> | null = null;
  return {
    cache,
    batcher,
    spool,
    replayNow: () => spool.replay(ctx.queues.clicks),
    fastPath: {
      handle: handler.handle,
      close() {
        closing ??= (async () => {
          await batcher.close();
          await stopReplay();
          await unsubscribe();
          ctx.log.info({ batcher: batcher.stats, cache: cache.stats }, 'click tracking stopped');
        })();
        return closing;
      },
    },
  };
}
