import type http from 'node:http';
import type { Config } from '../config';
import { LINK_ID_RE } from '../links/links';
import type { Logger } from '../logger';
import { bump, clickAnswers, type ClickCounts } from './click-answers';
import type { ClickBatcher } from './click-batcher';
import { clickLocation } from './click-destination';
import type { ClickEvent } from './click-event';
import { PAGES } from './click-pages';
import { clickEventFor, clickPath, hasBody, splitClickPath, visitorSalt } from './click-request';
import type { FastPath } from './fast-path';
import type { LinkCache, LinkTarget } from './link-cache';

export interface ClickHandlerDeps {
  config: Pick<Config, 'TRUST_PROXY' | 'JWT_SECRET'>;
  log: Logger;
  cache: LinkCache;
  /** Takes the click before the redirect (the micro-batcher; the naive benchmark server stores it directly). */
  batcher: Pick<ClickBatcher, 'push'>;
  /** Called after a click was handed over (queued or spooled), for tests. */
  onClick?: (ev: ClickEvent) => void;
  /**
   * Takes one point of the client address's budget for error answers and
   * says how many seconds it must wait (0: within budget). Only error answers
   * ask: a valid click's redirect never waits for it.
   */
  errorBudget?: (ip: string) => Promise<number>;
}

/**
 * The click redirect on the raw node:http server, ahead of Express: it is the
 * one route where the framework's per-request cost matters. It never throws:
 * malformed requests get a small HTML 4xx page.
 */
export function createClickHandler(deps: ClickHandlerDeps): FastPath & { counts: ClickCounts } {
  const counts: ClickCounts = { answers: new Map(), clicks: new Map() };
  const trustProxy = deps.config.TRUST_PROXY;
  const source = { salt: visitorSalt(deps.config.JWT_SECRET), trustProxy };
  const answers = clickAnswers(counts, { log: deps.log, trustProxy, errorBudget: deps.errorBudget });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, rest: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return answers.refuse(req, res, 405, PAGES.methodNotAllowed, { allow: 'GET, HEAD' });
    if (hasBody(req)) return answers.refuse(req, res, 400, PAGES.badRequest);
    const { linkId, query } = splitClickPath(rest);
    if (!LINK_ID_RE.test(linkId)) return answers.refuse(req, res, 404, PAGES.notFound);

    let target: LinkTarget | null;
    try {
      // A cached link answers synchronously: no await, so a hit costs no extra turn of the event loop.
      const r = deps.cache.resolve(linkId);
      target = r instanceof Promise ? await r : r;
    } catch (err) {
      deps.log.error({ err, linkId }, 'link lookup failed');
      return answers.page(req, res, 503, PAGES.busy, { 'retry-after': '5' });
    }
    if (!target) return answers.refuse(req, res, 404, PAGES.notFound);

    const params = query === null ? null : new URLSearchParams(query);
    const { ev, blocked } = clickEventFor(req, target, params, source);
    const location = clickLocation(target, ev, blocked, params?.get('url') ?? null);
    try {
      await deps.batcher.push(ev);
    } catch (err) {
      // Neither Redis nor the local disk took the click: no redirect, so nothing is lost that was promised.
      deps.log.error({ err, linkId }, 'click could not be queued or spooled');
      return answers.page(req, res, 503, PAGES.busy, { 'retry-after': '5' });
    }
    bump(counts.clicks, ev.reason ?? 'valid');
    deps.onClick?.(ev);
    if (location) answers.redirect(res, location);
    else answers.page(req, res, 200, PAGES.unavailable);
  }

  return {
    counts,
    handle(req, res) {
      const url = req.url ?? '';
      const rest = clickPath(url);
      if (rest === null) return false;
      serve(req, res, rest).catch((err: unknown) => {
        deps.log.error({ err, url: url.slice(0, 200) }, 'click handler failed');
        try {
          if (!res.headersSent) answers.page(req, res, 404, PAGES.notFound);
          else res.end();
        } catch {
          res.destroy();
        }
      });
      return true;
    },
  };
}
