import crypto from 'node:crypto';
import type http from 'node:http';
import { botVerdict } from '../domain/bots';
import { clientAddress, type TrustProxy } from '../domain/client-address';
import { newClickId } from '../domain/click-id';
import { classifyUserAgent, countryFromHeader, countryOfAddress } from '../domain/click-classify';
import { classifyClick, cleanText, REFERER_MAX_LENGTH, SUB_MAX_LENGTH, USER_AGENT_MAX_LENGTH } from '../domain/click-rules';
import { visitorHash } from '../domain/visitor';
import type { ClickEvent } from './click-event';
import type { LinkTarget } from './link-cache';

const PREFIXES = ['/c/', '/api/track/click/'] as const;

/** The salt of visitor hashes: derived from the JWT secret, so it is stable across instances and restarts. */
export const visitorSalt = (jwtSecret: string): string => crypto.createHmac('sha256', jwtSecret).update('offerly:visitor').digest('hex');

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function clientIp(req: http.IncomingMessage, trust: TrustProxy): string {
  return clientAddress(req.socket.remoteAddress ?? '', firstHeader(req.headers['x-forwarded-for']), trust);
}

/** A trusted CDN's country header wins; otherwise the offline database's country of the client address. */
export function clickCountry(req: http.IncomingMessage, ip: string, trustProxy: TrustProxy): string {
  const header = firstHeader(req.headers['cf-ipcountry']) ?? firstHeader(req.headers['x-country-code']);
  return countryFromHeader(header, trustProxy !== 0) ?? countryOfAddress(ip);
}

/** What follows a click prefix in the URL (link id and query string), or null when the URL is not a click's. */
export function clickPath(url: string): string | null {
  for (const p of PREFIXES) if (url.startsWith(p)) return url.slice(p.length);
  return null;
}

/** The link id and the query string (null without one) of a click path. */
export function splitClickPath(rest: string): { linkId: string; query: string | null } {
  const q = rest.indexOf('?');
  return q < 0 ? { linkId: rest, query: null } : { linkId: rest.slice(0, q), query: rest.slice(q + 1) };
}

/**
 * A click with a body is no browser's. Node hands the request over before reading the body, and a
 * body it cannot parse (an unknown Transfer-Encoding) then ends the connection with a 400 of its own:
 * the click would be stored while its visitor never got the redirect.
 */
export function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The click event of a request for a resolved link, and whether its verdict keeps the visitor from the destination. */
export function clickEventFor(
  req: http.IncomingMessage,
  target: LinkTarget,
  params: URLSearchParams | null,
  o: { salt: string; trustProxy: TrustProxy },
): { ev: ClickEvent; blocked: boolean } {
  const param = (name: string) => params?.get(name) ?? null;
  const ua = cleanText(firstHeader(req.headers['user-agent']), USER_AGENT_MAX_LENGTH) ?? '';
  const verdict = classifyClick(target, botVerdict(ua), req.method === 'HEAD');
  const now = Date.now();
  const ip = clientIp(req, o.trustProxy);
  const cls = classifyUserAgent(ua);
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
    visitor: visitorHash(ip, ua, o.salt),
    ua,
    country: clickCountry(req, ip, o.trustProxy),
    device: cls.device,
    os: cls.os,
    browser: cls.browser,
    referer: cleanText(firstHeader(req.headers.referer), REFERER_MAX_LENGTH),
    deepLink: null,
    cpcRevenueCents: target.cpcRevenueCents,
    cpcPayoutCents: target.cpcPayoutCents,
  };
  return { ev, blocked: verdict.blocked };
}
