import type http from 'node:http';
import type { TrustProxy } from '../domain/client-address';
import type { Logger } from '../logger';
import { PAGE_HEADERS, PAGES } from './click-pages';
import { clientIp } from './click-request';

/** What the click path answered and took, counted as plain numbers for the metrics. */
export interface ClickCounts {
  /** Answers by HTTP status. */
  answers: Map<string, number>;
  /** Clicks handed over (queued or spooled): `valid` or the invalid reason. */
  clicks: Map<string, number>;
}

const STATUS_NAMES: Record<number, string> = { 200: '200', 400: '400', 404: '404', 405: '405', 429: '429', 503: '503' };
export const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

type Extra = Record<string, string>;

export interface ClickAnswers {
  page(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, extra?: Extra): void;
  /**
   * An error answer (unknown link, malformed request), or a 429 once the
   * address has sent too many: probing for links costs a Redis round trip
   * each, so it is bounded per address. Without a budget (or if Redis fails)
   * the error is answered as it is.
   */
  refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, extra?: Extra): Promise<void>;
  redirect(res: http.ServerResponse, location: string): void;
}

/** The click path's answers, each counted by status. */
export function clickAnswers(
  counts: ClickCounts,
  o: { log: Logger; trustProxy: TrustProxy; errorBudget?: ((ip: string) => Promise<number>) | undefined },
): ClickAnswers {
  function page(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, extra: Extra = {}): void {
    bump(counts.answers, STATUS_NAMES[status] ?? String(status));
    const buf = Buffer.from(body);
    res.writeHead(status, { ...PAGE_HEADERS, 'content-length': String(buf.length), ...extra });
    res.end(req.method === 'HEAD' ? undefined : buf);
  }

  async function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, extra: Extra = {}): Promise<void> {
    let wait = 0;
    if (o.errorBudget) {
      try {
        wait = await o.errorBudget(clientIp(req, o.trustProxy));
      } catch (err) {
        o.log.warn({ err }, 'click error budget unavailable');
      }
    }
    if (wait) return page(req, res, 429, PAGES.tooMany, { 'retry-after': String(wait) });
    page(req, res, status, body, extra);
  }

  function redirect(res: http.ServerResponse, location: string): void {
    bump(counts.answers, '302');
    res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  }

  return { page, refuse, redirect };
}
