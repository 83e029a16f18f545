/**
 * Known automated clients. Their clicks are stored but marked invalid and never
 * paid. Matching is case-insensitive on the user agent.
 */
const BOT_PATTERNS = [
  'bot', 'crawl', 'spider', 'slurp', 'mediapartners', 'adsbot', 'bingpreview', 'facebookexternalhit',
  'headlesschrome', 'phantomjs', 'puppeteer', 'playwright', 'selenium', 'webdriver', 'lighthouse',
  'python-requests', 'python-urllib', 'aiohttp', 'httpx', 'go-http-client', 'okhttp', 'java/', 'libwww',
  'curl/', 'wget/', 'httpie', 'postmanruntime', 'insomnia', 'axios/', 'node-fetch', 'undici', 'scrapy',
  'ahrefs', 'semrush', 'mj12', 'dotbot', 'petalbot', 'yandex', 'baiduspider', 'applebot', 'preview',
  'monitor', 'pingdom', 'uptime', 'checkly',
];
const BOT_RE = new RegExp(BOT_PATTERNS.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i');

export type BotVerdict = null | 'bot' | 'no_user_agent';

export function botVerdict(userAgent: string | undefined | null): BotVerdict {
  if (!userAgent || userAgent.trim().length < 8) return 'no_user_agent';
  return BOT_RE.test(userAgent) ? 'bot' : null;
}
