/**
 * Group commit for the conversion worker's writes. The embedded server
 * (FerretDB on SQLite) applies one write command at a time, so many small
 * commands queue behind each other while one command carrying many documents
 * costs little more than one carrying a single document. Calls made while a
 * flush is in flight wait and go together in the next one; a lone call waits
 * only until the current event-loop turn ends. Each caller gets its own
 * result, or the error of its own item, or the error of the whole flush.
 */
export type Flush<I, O> = (items: I[]) => Promise<Array<O | Error>>;

interface Waiting<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private flushing = false;

  constructor(
    private readonly flush: Flush<I, O>,
    private readonly maxItems: number,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxItems);
      try {
        const out = await this.flush(batch.map((w) => w.item));
        batch.forEach((w, i) => {
          const o = out[i];
          if (o instanceof Error) w.reject(o);
          else w.resolve(o as O);
        });
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.flushing = false;
  }
}

/** One group commit per context and purpose (tests run several contexts in one process). */
export function perContext<C extends object, I, O>(make: (ctx: C) => GroupCommit<I, O>): (ctx: C) => GroupCommit<I, O> {
  const map = new WeakMap<C, GroupCommit<I, O>>();
  return (ctx) => {
    let g = map.get(ctx);
    if (!g) map.set(ctx, (g = make(ctx)));
    return g;
  };
}

/**
 * Identical reads in flight at once share one call (the campaign and the
 * affiliate of a burst of postbacks): a caller may get an answer read up to
 * one round trip before it asked, as if its postback had come a moment
 * sooner. Callers must not modify what they get.
 */
export function sharedReads<C extends object, T>(read: (ctx: C, key: string) => Promise<T>): (ctx: C, key: string) => Promise<T> {
  const inFlight = new WeakMap<C, Map<string, Promise<T>>>();
  return (ctx, key) => {
    let m = inFlight.get(ctx);
    if (!m) inFlight.set(ctx, (m = new Map()));
    const hit = m.get(key);
    if (hit) return hit;
    const p = read(ctx, key).finally(() => m.delete(key));
    m.set(key, p);
    return p;
  };
}
