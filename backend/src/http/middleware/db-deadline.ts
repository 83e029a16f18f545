import type { RequestHandler } from 'express';
import type { Db } from 'mongodb';
import { ApiError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { OUTAGE_RETRY_AFTER_SECONDS } from './errors';

/** How long a ping answer is trusted for, so a crowd of slow requests does not ping once each. */
const TRUSTED_MS = 250;

/**
 * "Does the database answer at all?", asked with one ping at a time per
 * process however many requests are waiting: while the server is frozen, the
 * pings that never return do not pile up on the connection pool.
 */
export class DbProbe {
  private pending: { startedAt: number; answered: Promise<boolean> } | null = null;
  private answeredAt = 0;

  constructor(
    private readonly db: Db,
    private readonly timeoutMs: number,
  ) {}

  async responsive(): Promise<boolean> {
    if (Date.now() - this.answeredAt < TRUSTED_MS) return true;
    if (!this.pending) {
      const answered = this.db.command({ ping: 1 }).then(
        () => { this.answeredAt = Date.now(); return true; },
        () => false,
      );
      const p = { startedAt: Date.now(), answered };
      this.pending = p;
      void answered.then(() => { if (this.pending === p) this.pending = null; });
    }
    const { startedAt, answered } = this.pending;
    const left = startedAt + this.timeoutMs - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), left); });
    try {
      return await Promise.race([answered, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A request still unanswered after `stallMs` asks the probe; if the database
 * does not answer a ping within `stallMs` either, the request is answered 503
 * with Retry-After instead of hanging for the whole stall (a frozen server
 * never closes the socket, so the driver alone would wait for minutes).
 * Requests that are merely slow on a database that answers (big reports on
 * FerretDB) are left alone; the worker and jobs processes keep the driver's
 * patient defaults and retry. The handler keeps running in the background and
 * its late answer is dropped (headers already sent).
 */
export function dbDeadline(probe: DbProbe, stallMs: number, log: Logger, exempt: string[] = []): RequestHandler {
  return (req, res, next) => {
    if (exempt.includes(req.path)) return next();
    let timer: NodeJS.Timeout | undefined;
    const answered = () => res.headersSent || res.writableEnded || res.destroyed;
    const check = async () => {
      if (answered()) return;
      if (await probe.responsive()) {
        if (!answered()) timer = setTimeout(() => void check(), stallMs);
        return;
      }
      if (answered()) return;
      const message = UNSAFE.has(req.method)
        ? 'The database did not answer in time; your change may or may not have been saved: check before repeating it'
        : 'The database did not answer in time; retry shortly';
      const err = new ApiError('service_unavailable', message, { retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
      log.warn({ method: req.method, url: req.originalUrl, stallMs }, 'database unresponsive; request answered 503');
      res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
      res.status(err.status).json(err.toJSON());
    };
    timer = setTimeout(() => void check(), stallMs);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
