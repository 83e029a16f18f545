import Bowser from 'bowser';
import geoip from 'geoip-country';
import { LRUCache } from 'lru-cache';

/**
 * What a click's visitor used and where from, for breakdowns and the click
 * log: device type, OS and browser from the user agent (bowser), country
 * from the address (the GeoLite2 country database shipped in geoip-country,
 * about 20 MB of memory, loaded with this module) unless a trusted CDN named
 * it. Every value is short and from a small set, so breakdowns stay bounded.
 */
export interface ClickClass {
  device: DeviceType;
  os: string;
  browser: string;
}

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'tv', 'bot', 'unknown'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** ISO 3166-1 alpha-2 for a country no source could name (private or unknown address). */
export const UNKNOWN_COUNTRY = 'ZZ';
export const UNKNOWN = 'unknown';

const NAME_MAX = 40;
const DEVICES = new Set<string>(DEVICE_TYPES);

const name = (s: string | undefined): string => {
  const t = (s ?? '').trim();
  return t === '' ? UNKNOWN : t.slice(0, NAME_MAX);
};

function parseUserAgent(ua: string): ClickClass {
  if (ua === '') return { device: 'unknown', os: UNKNOWN, browser: UNKNOWN };
  try {
    const p = Bowser.parse(ua);
    const type = p.platform.type ?? '';
    return { device: (DEVICES.has(type) ? type : 'unknown') as DeviceType, os: name(p.os.name), browser: name(p.browser.name) };
  } catch {
    return { device: 'unknown', os: UNKNOWN, browser: UNKNOWN };
  }
}

/**
 * Parsing a user agent costs tens of microseconds; traffic repeats a few
 * thousand user agents, so results are kept by string (bounded, least recently used out).
 */
const uaCache = new LRUCache<string, ClickClass>({ max: 5000 });

export function classifyUserAgent(ua: string): ClickClass {
  let c = uaCache.get(ua);
  if (!c) uaCache.set(ua, (c = parseUserAgent(ua)));
  return c;
}

const ISO2 = /^[A-Z]{2}$/;

/** The country of an address from the offline database; private, reserved and unknown addresses are `ZZ`. */
export function countryOfAddress(ip: string): string {
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  const addr = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  try {
    const c = addr ? geoip.lookup(addr)?.country : undefined;
    return c && ISO2.test(c) ? c : UNKNOWN_COUNTRY;
  } catch {
    return UNKNOWN_COUNTRY;
  }
}

/**
 * A CDN's country header (e.g. `cf-ipcountry`), believed only when proxies
 * are trusted. Its pseudo-codes (XX unknown, T1 Tor) and anything not two
 * letters name no country: null, and the address decides.
 */
export function countryFromHeader(raw: string | undefined, trusted: boolean): string | null {
  if (!trusted || !raw || raw.length !== 2) return null;
  const c = raw.toUpperCase();
  return ISO2.test(c) && c !== 'XX' ? c : null;
}
