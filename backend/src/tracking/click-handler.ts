import crypto from 'node:crypto';
import type http from 'node:http';
import { fillUrlMacros, isAllowedDeepLink } from '@offerly/contract';
import type { Config } from '../config';
import { botVerdict } from '../domain/bots';
import { clientAddress, type TrustProxy } from '../domain/client-address';
import { newClickId } from '../domain/click-id';
import {
  classifyClick,
  cleanText,
  deepLinkLocation,
  DEEP_LINK_MAX_LENGTH,
  REFERER_MAX_LENGTH,
  SUB_MAX_LENGTH,
  USER_AGENT_MAX_LENGTH,
} from '../domain/click-rules';
import { visitorHash } from '../domain/visitor';
import type { FastPath } from '../http/server';
import { LINK_ID_RE } from '../links/links';
import type { Logger } from '../logger';
import type { ClickBatcher } from './click-batcher';
import type { ClickEvent } from './click-event';
import type { LinkCache, LinkTarget } from './link-cache';

const PREFIXES = ['/c/', '/api/track/click/'] as const;

/** The salt of visitor hashes: derived from the JWT secret, so it is stable across instances and restarts. */
export const visitorSalt = (jwtSecret: string): string => crypto.createHmac('sha256', jwtSecret).update('offerly:visitor').digest('hex');

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#333}</style>` +
  `</head><body><h1>${title}</h1><p>${text}</p></body></html>`;

const PAGES = {
  notFound: page('Link not found', 'This tracking link does not exist. Check the address and try again.'),
  unavailable: page('Offer not available', 'This offer is not available right now. Please try again later.'),
  methodNotAllowed: page('Method not allowed', 'Tracking links only answer GET and HEAD requests.'),
  badRequest: page('Bad request', 'This request cannot be answered.'),
  busy: page('Temporarily unavailable', 'We could not process this link just now. Please try again in a few seconds.'),
  tooMany: page('Too many requests', 'Too many requests for links that cannot be answered came from your address. Please try again later.'),
};

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
};

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

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function clientIp(req: http.IncomingMessage, trust: TrustProxy): string {
  return clientAddress(req.socket.remoteAddress ?? '', firstHeader(req.headers['x-forwarded-for']), trust);
}

function country(req: http.IncomingMessage, trustProxy: TrustProxy): string | null {
  if (!trustProxy) return null;
  const raw = firstHeader(req.headers['cf-ipcountry']) ?? firstHeader(req.headers['x-country-code']);
  if (!raw || raw.length !== 2) return null;
  const c = raw.toUpperCase();
  // XX: unknown, T1: Tor (Cloudflare's pseudo-codes).
  return /^[A-Z]{2}$/.test(c) && c !== 'XX' ? c : null;
}

/** What the click path answered and took, counted as plain numbers for the metrics. */
export interface ClickCounts {
  /** Answers by HTTP status. */
  answers: Map<string, number>;
  /** Clicks handed over (queued or spooled): `valid` or the invalid reason. */
  clicks: Map<string, number>;
}

const STATUS_NAMES: Record<number, string> = { 200: '200', 400: '400', 404: '404', 405: '405', 429: '429', 503: '503' };
const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

/**
 * The click redirect on the raw node:http server, ahead of Express: it is the
 * one route where the framework's per-request cost matters. It never throws:
 * malformed requests get a small HTML 4xx page.
 */
export function createClickHandler(deps: ClickHandlerDeps): FastPath & { counts: ClickCounts } {
  const salt = visitorSalt(deps.config.JWT_SECRET);
  const counts: ClickCounts = { answers: new Map(), clicks: new Map() };
  const trustProxy = deps.config.TRUST_PROXY;

  function sendPage(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
    bump(counts.answers, STATUS_NAMES[status] ?? String(status));
    const buf = Buffer.from(body);
    res.writeHead(status, { ...PAGE_HEADERS, 'content-length': String(buf.length), ...extra });
    res.end(req.method === 'HEAD' ? undefined : buf);
  }

  /**
   * An error answer (unknown link, malformed request), or a 429 once the
   * address has sent too many: probing for links costs a Redis round trip
   * each, so it is bounded per address. Without a budget (or if Redis fails)
   * the error is answered as it is.
   */
  async function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, extra: Record<string, string> = {}): Promise<void> {
    let wait = 0;
    if (deps.errorBudget) {
      try {
        wait = await deps.errorBudget(clientIp(req, trustProxy));
      } catch (err) {
        deps.log.warn({ err }, 'click error budget unavailable');
      }
    }
    if (wait) return sendPage(req, res, 429, PAGES.tooMany, { 'retry-after': String(wait) });
    sendPage(req, res, status, body, extra);
  }

  function redirect(res: http.ServerResponse, location: string): void {
    bump(counts.answers, '302');
    res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  }

  /** Destination with macros filled; null only if the stored template cannot form a URL. */
  function destinationFor(t: LinkTarget, ev: ClickEvent, deepLinkParam: string | null): { location: string | null; deepLink: string | null } {
    const filled = fillUrlMacros(t.destination, {
      click_id: ev.id,
      aff_id: t.affiliateId,
      campaign_id: t.campaignId,
      link_id: t.linkId,
      sub1: ev.sub1,
      sub2: ev.sub2,
      sub3: ev.sub3,
      sub4: ev.sub4,
      sub5: ev.sub5,
    });
    if (deepLinkParam && t.allowDeepLink && deepLinkParam.length <= DEEP_LINK_MAX_LENGTH && isAllowedDeepLink(deepLinkParam, t.destination)) {
      try {
        const location = deepLinkLocation(new URL(deepLinkParam), filled);
        return { location, deepLink: location };
      } catch {
        /* refused like any other unusable deep link */
      }
    }
    if (t.destinationAscii) return { location: filled, deepLink: null };
    try {
      return { location: new URL(filled).href, deepLink: null };
    } catch {
      return { location: null, deepLink: null };
    }
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, rest: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(req, res, 405, PAGES.methodNotAllowed, { allow: 'GET, HEAD' });
    // A click with a body is no browser's. Node hands the request over before reading the body, and a
    // body it cannot parse (an unknown Transfer-Encoding) then ends the connection with a 400 of its own:
    // the click would be stored while its visitor never got the redirect.
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) return refuse(req, res, 400, PAGES.badRequest);
    const q = rest.indexOf('?');
    const linkId = q < 0 ? rest : rest.slice(0, q);
    if (!LINK_ID_RE.test(linkId)) return refuse(req, res, 404, PAGES.notFound);

    let target: LinkTarget | null;
    try {
      const r = deps.cache.resolve(linkId);
      target = r instanceof Promise ? await r : r;
    } catch (err) {
      deps.log.error({ err, linkId }, 'link lookup failed');
      return sendPage(req, res, 503, PAGES.busy, { 'retry-after': '5' });
    }
    if (!target) return refuse(req, res, 404, PAGES.notFound);

    const params = q < 0 ? null : new URLSearchParams(rest.slice(q + 1));
    const param = (name: string) => params?.get(name) ?? null;
    const rawUa = firstHeader(req.headers['user-agent']);
    const ua = cleanText(rawUa, USER_AGENT_MAX_LENGTH) ?? '';
    const verdict = classifyClick(target, botVerdict(ua), req.method === 'HEAD');
    const now = Date.now();
    const ev: ClickEvent = {
      id: newClickId(now),
      ts: now,
      linkId: target.linkId,
      campaignId: target.campaignId,
      affiliateId: target.affiliateId,
      advertiserId: target.advertiserId,
      currency: target.currency,
      reason: verdict.reason,
      sub1: cleanText(param('sub1'), SUB_MAX_LENGTH),
      sub2: cleanText(param('sub2'), SUB_MAX_LENGTH),
      sub3: cleanText(param('sub3'), SUB_MAX_LENGTH),
      sub4: cleanText(param('sub4'), SUB_MAX_LENGTH),
      sub5: cleanText(param('sub5'), SUB_MAX_LENGTH),
      visitor: visitorHash(clientIp(req, trustProxy), ua, salt),
      ua,
      country: country(req, trustProxy),
      referer: cleanText(firstHeader(req.headers.referer), REFERER_MAX_LENGTH),
      deepLink: null,
      cpcRevenueCents: target.cpcRevenueCents,
      cpcPayoutCents: target.cpcPayoutCents,
    };

    let location: string | null;
    if (verdict.blocked) {
      location = target.fallbackUrl;
    } else {
      const d = destinationFor(target, ev, param('url'));
      location = d.location ?? target.fallbackUrl;
      ev.deepLink = d.deepLink;
    }

    try {
      await deps.batcher.push(ev);
    } catch (err) {
      // Neither Redis nor the local disk took the click: no redirect, so nothing is lost that was promised.
      deps.log.error({ err, linkId }, 'click could not be queued or spooled');
      return sendPage(req, res, 503, PAGES.busy, { 'retry-after': '5' });
    }
    bump(counts.clicks, ev.reason ?? 'valid');
    deps.onClick?.(ev);
    if (location) redirect(res, location);
    else sendPage(req, res, 200, PAGES.unavailable);
  }

  return {
    counts,
    handle(req, res) {
      const url = req.url ?? '';
      let rest: string | null = null;
      for (const p of PREFIXES) {
        if (url.startsWith(p)) {
          rest = url.slice(p.length);
          break;
        }
      }
      if (rest === null) return false;
      serve(req, res, rest).catch((err: unknown) => {
        deps.log.error({ err, url: url.slice(0, 200) }, 'click handler failed');
        try {
          if (!res.headersSent) sendPage(req, res, 404, PAGES.notFound);
          else res.end();
        } catch {
          res.destroy();
        }
      });
      return true;
    },
  };
}
