import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { clickJobId, CLICK_JOB_NAME, type ClickBatch, type ClickEvent } from './click-event';
import type { ClickSpool } from './spool';

export interface ClickBatcherOptions {
  queue: Queue;
  /** The fail-fast connection behind `queue`; when it is not ready, batches go straight to the spool. */
  producer: Redis;
  spool: ClickSpool;
  log: Logger;
  maxBatch: number;
  waitMs: number;
  enqueueTimeoutMs: number;
}

interface Pending {
  clicks: ClickEvent[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export type EnqueueOutcome = 'queued' | 'spooled';

/**
 * Groups the clicks of concurrent requests into one BullMQ job per
 * micro-batch (flushed at `maxBatch` clicks or after `waitMs`). Each request
 * waits for its batch to be in Redis, or in the spool, before it redirects.
 */
export class ClickBatcher {
  private current: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly inflight = new Set<Promise<void>>();
  readonly stats = { batches: 0, clicks: 0, queued: 0, spooled: 0, timeouts: 0 };

  constructor(private readonly opts: ClickBatcherOptions) {}

  /** Resolves once the click is in Redis or the spool; rejects only if both failed. */
  push(ev: ClickEvent): Promise<void> {
    let p = this.current;
    if (!p) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      p = this.current = { clicks: [], done, resolve, reject };
      this.schedule();
    }
    p.clicks.push(ev);
    if (p.clicks.length >= this.opts.maxBatch) this.flush();
    return p.done;
  }

  private schedule(): void {
    if (this.opts.waitMs <= 0) {
      // Still batches everything that arrives within one turn of the event loop.
      this.immediate = setImmediate(() => this.flush());
    } else {
      this.timer = setTimeout(() => this.flush(), this.opts.waitMs);
    }
  }

  private flush(): void {
    const p = this.current;
    this.current = null;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (!p || p.clicks.length === 0) return;
    const batch: ClickBatch = { id: p.clicks[0]!.id, clicks: p.clicks };
    const work = this.send(batch).then(
      () => p.resolve(),
      (err: unknown) => p.reject(err),
    );
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  private async send(batch: ClickBatch): Promise<EnqueueOutcome> {
    this.stats.batches++;
    this.stats.clicks += batch.clicks.length;
    if (this.opts.producer.status === 'ready') {
      try {
        await this.enqueue(batch);
        this.stats.queued++;
        return 'queued';
      } catch (err) {
        this.opts.log.warn({ err: (err as Error).message, clicks: batch.clicks.length }, 'could not enqueue clicks; spooling them');
      }
    }
    // A timed-out add may still land later; the worker stores by click id, so the spooled copy does no harm.
    this.opts.spool.append(batch);
    this.stats.spooled++;
    return 'spooled';
  }

  private enqueue(batch: ClickBatch): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        this.stats.timeouts++;
        reject(new Error(`enqueue took longer than ${this.opts.enqueueTimeoutMs} ms`));
      }, this.opts.enqueueTimeoutMs);
    });
    const add = this.opts.queue.add(CLICK_JOB_NAME, batch, { jobId: clickJobId(batch.id) });
    add.catch(() => {}); // after a timeout its late failure is of no interest
    return Promise.race([add, timeout]).finally(() => clearTimeout(timer));
  }

  /** Flushes what is buffered and waits for every batch to be queued or spooled. */
  async close(): Promise<void> {
    this.flush();
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }
}
