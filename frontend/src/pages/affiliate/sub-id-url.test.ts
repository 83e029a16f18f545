import { describe, expect, it } from 'vitest';
import { buildTrackingUrl, subIdProblems } from './sub-id-url';

describe('sub-ID builder', () => {
  it('adds filled sub IDs (encoded) and a deep link to the tracking link', () => {
    const base = 'http://localhost:5000/c/Abc123XyZ0';
    expect(buildTrackingUrl(base, {})).toBe(base);
    expect(buildTrackingUrl(base, { sub1: 'facebook', sub2: '', sub3: ' ad set/42 ' })).toBe(`${base}?sub1=facebook&sub3=ad+set%2F42`);
    expect(buildTrackingUrl(base, { sub5: 'x' }, 'https://shop.example.com/shoes?size=42')).toBe(`${base}?sub5=x&url=https%3A%2F%2Fshop.example.com%2Fshoes%3Fsize%3D42`);
  });

  it('flags sub IDs longer than the API accepts', () => {
    expect(subIdProblems({ sub1: 'a'.repeat(256), sub2: 'ok' }, 255)).toEqual({ sub1: 'At most 255 characters' });
  });
});
