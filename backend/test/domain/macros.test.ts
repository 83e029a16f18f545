import { describe, expect, it } from 'vitest';
import { DESTINATION_MACROS, fillMacros, isAllowedDeepLink, isValidUrlTemplate, macrosIn } from '../../src/domain/macros';

describe('macros', () => {
  it('fills known macros URL-encoded, blanks missing values, keeps unknown ones', () => {
    const out = fillMacros('https://x.example/?c={click_id}&s={sub1}&t={SUB2}&u={unknown}', { click_id: 'abc', sub1: 'a b&c=d', sub2: undefined });
    expect(out).toBe('https://x.example/?c=abc&s=a%20b%26c%3Dd&t=&u={unknown}');
  });

  it('lists macros and validates templates as URLs', () => {
    expect(macrosIn('https://x/{click_id}/{Sub1}')).toEqual(['click_id', 'sub1']);
    expect(isValidUrlTemplate('https://x.example/{sub1}?c={click_id}', DESTINATION_MACROS)).toBe(true);
    expect(isValidUrlTemplate('javascript:alert({click_id})', DESTINATION_MACROS)).toBe(false);
    expect(isValidUrlTemplate('{sub1}', DESTINATION_MACROS)).toBe(false);
  });

  it('allows deep links only to the destination’s site', () => {
    const dest = 'https://www.shop.example.com/landing?c={click_id}';
    expect(isAllowedDeepLink('https://shop.example.com/p/1', dest)).toBe(true);
    expect(isAllowedDeepLink('https://m.shop.example.com/p/1', dest)).toBe(true);
    expect(isAllowedDeepLink('https://evil.example/p/1', dest)).toBe(false);
    expect(isAllowedDeepLink('https://shop.example.com.evil.example/', dest)).toBe(false);
    expect(isAllowedDeepLink('javascript:alert(1)', dest)).toBe(false);
    expect(isAllowedDeepLink('https://user:pw@shop.example.com/', dest)).toBe(false);
  });
});
