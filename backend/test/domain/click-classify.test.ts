import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { classifyUserAgent, countryFromHeader, countryOfAddress } from '../../src/domain/click-classify';
import { clickCountry } from '../../src/tracking/click-request';

const UAS = {
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  windowsEdge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  macFirefox: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
  linuxChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
};

const request = (headers: Record<string, string>) => ({ headers }) as unknown as http.IncomingMessage;

describe('click classification', () => {
  it('names device type, OS and browser from real user agents', () => {
    expect(classifyUserAgent(UAS.iphone)).toEqual({ device: 'mobile', os: 'iOS', browser: 'Safari' });
    expect(classifyUserAgent(UAS.ipad)).toEqual({ device: 'tablet', os: 'iOS', browser: 'Safari' });
    expect(classifyUserAgent(UAS.android)).toEqual({ device: 'mobile', os: 'Android', browser: 'Chrome' });
    expect(classifyUserAgent(UAS.windowsEdge)).toEqual({ device: 'desktop', os: 'Windows', browser: 'Microsoft Edge' });
    expect(classifyUserAgent(UAS.macFirefox)).toEqual({ device: 'desktop', os: 'macOS', browser: 'Firefox' });
    expect(classifyUserAgent(UAS.linuxChrome)).toEqual({ device: 'desktop', os: 'Linux', browser: 'Chrome' });
    expect(classifyUserAgent(UAS.googlebot).device).toBe('bot');
  });

  it('answers unknown for an empty or unreadable user agent, and the same object again from its cache', () => {
    expect(classifyUserAgent('')).toEqual({ device: 'unknown', os: 'unknown', browser: 'unknown' });
    expect(classifyUserAgent('x')).toEqual({ device: 'unknown', os: 'unknown', browser: 'unknown' });
    expect(classifyUserAgent(UAS.android)).toBe(classifyUserAgent(UAS.android));
  });

  it('finds the country of public addresses, v4 and v6, and ZZ for private, reserved or malformed ones', () => {
    expect(countryOfAddress('8.8.8.8')).toBe('US');
    expect(countryOfAddress('::ffff:81.2.69.142')).toBe('GB');
    expect(countryOfAddress('2a00:1450:4001:80b::200e')).toBe('DE');
    for (const ip of ['10.1.2.3', '192.168.0.10', '172.16.5.4', '127.0.0.1', '::1', '203.0.113.7', '', 'not-an-ip']) expect(countryOfAddress(ip)).toBe('ZZ');
  });

  it('believes a CDN country header only behind a trusted proxy, and never its pseudo-codes', () => {
    expect(countryFromHeader('fr', true)).toBe('FR');
    expect(countryFromHeader('fr', false)).toBeNull();
    expect(countryFromHeader('XX', true)).toBeNull();
    expect(countryFromHeader('T1', true)).toBeNull();
    expect(countryFromHeader('FRA', true)).toBeNull();
    // TRUST_PROXY set: the header wins over the address; unset: the address decides whatever the client sent.
    expect(clickCountry(request({ 'cf-ipcountry': 'JP' }), '8.8.8.8', true)).toBe('JP');
    expect(clickCountry(request({ 'cf-ipcountry': 'JP' }), '8.8.8.8', 0)).toBe('US');
    expect(clickCountry(request({ 'cf-ipcountry': 'XX' }), '10.0.0.1', 1)).toBe('ZZ');
    expect(clickCountry(request({}), '81.2.69.142', 0)).toBe('GB');
  });
});
