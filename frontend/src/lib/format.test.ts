import { describe, expect, it } from 'vitest';
import { formatCount, formatDays } from './format';

describe('counts in words', () => {
  it('says "1 day" and "30 days", never "1 days"', () => {
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(30)).toBe('30 days');
    expect(formatDays(0)).toBe('0 days');
    expect(formatCount(1, 'click', 'clicks')).toBe('1 click');
    expect(formatCount(1200, 'click', 'clicks', 'en-US')).toBe('1,200 clicks');
  });
});
