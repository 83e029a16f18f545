import { describe, expect, it } from 'vitest';
import { DESTINATION_MACROS, fillMacros, fillUrlMacros, hasMacroInOrigin, isAllowedDeepLink, isValidUrlTemplate, macrosIn } from '@offerly/contract';

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

  it.each([
    ['https://{sub1}/landing', true],
    ['https://{sub1}', true],
    ['https://shop.{sub1}.example.com/', true],
    ['https://shop.example.com:{sub1}/', true],
    ['https://{sub1}:pw@shop.example.com/', true],
    ['https://user:{sub1}@shop.example.com/', true],
    ['{sub1}://shop.example.com/', true],
    ['http{sub1}://shop.example.com/', true],
    ['https:{sub1}', true],
    ['https:\\\\{sub1}/x', true],
    ['https:/\t/{sub1}/x', true],
    ['  https://{sub1}/x', true],
    ['https://shop.example.com/{sub1}?c={click_id}#{sub2}', false],
    ['https://shop.example.com?c={click_id}', false],
    ['https://shop.example.com#{sub1}', false],
    ['https://shop.example.com\\{sub1}', false],
  ])('finds macros in the origin part of %j: %s', (template, expected) => {
    expect(hasMacroInOrigin(template)).toBe(expected);
  });

  it('never fills a macro in the origin part, even of a template stored before the rule', () => {
    const values = { sub1: 'evil.example', click_id: 'c1' };
    expect(fillUrlMacros('https://{sub1}/landing?c={click_id}&s={sub1}', values)).toBe('https://{sub1}/landing?c=c1&s=evil.example');
    expect(fillUrlMacros('https:/\t/{sub1}/x', values)).toBe('https://{sub1}/x');
    expect(fillUrlMacros('https:{sub1}', values)).toBe('https:{sub1}');
    expect(fillUrlMacros('{sub1}', values)).toBe('{sub1}');
    // Whatever a value holds, the host the parser sees is the template's.
    for (const sub1 of ['evil.example', '@evil.example', '//evil.example', '\\evil.example', 'x:1@evil.example']) {
      expect(new URL(fillUrlMacros('https://shop.example.com/{sub1}', { sub1 })).hostname).toBe('shop.example.com');
    }
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
