import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Queue } from 'bullmq';
import type { Logger } from '../logger';
import { clickBatchSchema, clickJobId, CLICK_JOB_NAME, type ClickBatch } from './click-event';

/**
 * Local append-only spool for click batches that could not be handed to
 * Redis. Each process appends JSON lines to its own file; a replay loop
 * claims files by atomic rename, re-enqueues their batches and deletes them.
 *
 * Durability: one write() per batch, no fsync. A spooled click survives the
 * process crashing (the bytes are in the OS page cache), not the machine
 * losing power before the kernel flushes them.
 *
 * Replay is safe to interrupt anywhere: a claimed file is only deleted after
 * every batch in it was enqueued, and enqueuing a batch twice is harmless
 * (same job id while it waits; the worker stores by click id).
 */
const ACTIVE = 'spool';
const CLAIMED = 'replay';
const CORRUPT = 'corrupt';
/** A file untouched this long is claimed even if its owner might be alive (another host, or a recycled pid). */
export const SPOOL_STALE_MS = 120_000;
const ENQUEUE_CHUNK = 200;
const READ_CHUNK = 8 * 1024 * 1024;

interface Owner {
  host: string;
  pid: number;
  tag: string;
}

const hostName = () => os.hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 60) || 'host';

function parseName(name: string): { kind: string; owner: Owner } | null {
  const m = /^(spool|replay)_([A-Za-z0-9-]+)_(\d+)_([0-9a-f]+)(?:_\d+)?\.jsonl$/.exec(name);
  if (!m) return null;
  return { kind: m[1]!, owner: { host: m[2]!, pid: Number(m[3]), tag: m[4]! } };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ReplayResult {
  files: number;
  batches: number;
  corrupt: number;
}

export class ClickSpool {
  readonly owner: Owner;
  readonly file: string;
  private seq = 0;
  private dirReady = false;
  private replaying: Promise<ReplayResult> | null = null;

  constructor(readonly dir: string, private readonly log: Logger) {
    this.owner = { host: hostName(), pid: process.pid, tag: crypto.randomBytes(4).toString('hex') };
    this.file = path.join(dir, this.nameFor(ACTIVE));
  }

  private nameFor(kind: string, seq?: number): string {
    const o = this.owner;
    return `${kind}_${o.host}_${o.pid}_${o.tag}${seq === undefined ? '' : `_${seq}`}.jsonl`;
  }

  /**
   * Appends one batch as one line, synchronously: when this returns the batch
   * is in the file. Opening per write means a file claimed by a replayer is
   * never written again; the next batch starts a new one.
   */
  append(batch: ClickBatch): void {
    if (!this.dirReady) {
      fs.mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    fs.appendFileSync(this.file, `${JSON.stringify(batch)}\n`);
  }

  /** Files waiting for replay (this process's and others'). */
  pending(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((n) => parseName(n) !== null);
    } catch {
      return [];
    }
  }

  /** One pass over the spool directory; concurrent calls share the pass in progress. */
  replay(queue: Queue): Promise<ReplayResult> {
    this.replaying ??= this.replayOnce(queue).finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  private isMine(o: Owner): boolean {
    return o.host === this.owner.host && o.pid === this.owner.pid && o.tag === this.owner.tag;
  }

  /** May this process take a file owned (written or claimed) by someone else? */
  private mayClaim(o: Owner, file: string): boolean {
    if (o.host === this.owner.host && o.pid !== this.owner.pid && !pidAlive(o.pid)) return true;
    try {
      return Date.now() - fs.statSync(file).mtimeMs > SPOOL_STALE_MS;
    } catch {
      return false;
    }
  }

  private claim(file: string): string | null {
    const target = path.join(this.dir, this.nameFor(CLAIMED, this.seq++));
    try {
      fs.renameSync(file, target);
      return target;
    } catch (err) {
      // Someone else claimed it first.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  private async replayOnce(queue: Queue): Promise<ReplayResult> {
    const result: ReplayResult = { files: 0, batches: 0, corrupt: 0 };
    const names = this.pending();
    if (names.length === 0) return result;
    const mine: string[] = [];
    for (const name of names) {
      const parsed = parseName(name)!;
      const full = path.join(this.dir, name);
      if (parsed.kind === CLAIMED && this.isMine(parsed.owner)) {
        mine.push(full);
        continue;
      }
      if (this.isMine(parsed.owner) || this.mayClaim(parsed.owner, full)) {
        const claimed = this.claim(full);
        if (claimed) mine.push(claimed);
      }
    }
    for (const file of mine) {
      const r = await this.replayFile(queue, file);
      result.files++;
      result.batches += r.batches;
      result.corrupt += r.corrupt;
    }
    if (result.batches || result.corrupt) this.log.info(result, 'click spool replayed');
    return result;
  }

  private async replayFile(queue: Queue, file: string): Promise<{ batches: number; corrupt: number }> {
    let batches = 0;
    let corrupt = 0;
    const fd = fs.openSync(file, 'r');
    try {
      let offset = 0;
      let carry = Buffer.alloc(0);
      // Read until the file stops growing: a writer that opened it just before the rename may still append.
      for (;;) {
        const size = fs.fstatSync(fd).size;
        if (size <= offset) {
          // An unterminated last line is a write cut short by a crash.
          if (carry.length) {
            corrupt++;
            this.keepCorrupt([carry.toString('utf8')]);
          }
          break;
        }
        const buf = Buffer.allocUnsafe(Math.min(size - offset, READ_CHUNK));
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        offset += n;
        const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
        const end = data.lastIndexOf(0x0a) + 1;
        carry = Buffer.from(data.subarray(end));
        const good: ClickBatch[] = [];
        const bad: string[] = [];
        for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
          if (!line) continue;
          const b = parseLine(line);
          if (b) good.push(b);
          else bad.push(line);
        }
        for (let i = 0; i < good.length; i += ENQUEUE_CHUNK) {
          await queue.addBulk(good.slice(i, i + ENQUEUE_CHUNK).map((b) => ({ name: CLICK_JOB_NAME, data: b, opts: { jobId: clickJobId(b.id) } })));
        }
        batches += good.length;
        if (bad.length) {
          corrupt += bad.length;
          this.keepCorrupt(bad);
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.rmSync(file, { force: true });
    return { batches, corrupt };
  }

  /** Unreadable lines are set aside for inspection, never silently dropped. */
  private keepCorrupt(lines: string[]): void {
    const file = path.join(this.dir, `${CORRUPT}_${this.owner.host}_${this.owner.pid}_${this.owner.tag}.txt`);
    fs.appendFileSync(file, `${lines.join('\n')}\n`);
    this.log.error({ lines: lines.length, file }, 'unreadable lines in the click spool were set aside');
  }

  /** Replays every `intervalMs` while `ready()` says Redis is reachable. */
  startReplayLoop(queue: Queue, ready: () => boolean, intervalMs = 1000): () => Promise<void> {
    let stopped = false;
    const tick = () => {
      if (stopped || !ready()) return;
      this.replay(queue).catch((err: unknown) => this.log.warn({ err }, 'click spool replay interrupted; will retry'));
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    setImmediate(tick);
    return async () => {
      stopped = true;
      clearInterval(timer);
      await this.replaying?.catch(() => {});
    };
  }
}

function parseLine(line: string): ClickBatch | null {
  try {
    const r = clickBatchSchema.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
