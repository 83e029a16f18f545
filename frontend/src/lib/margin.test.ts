import { describe, expect, it } from 'vitest';
import { computeMargin, formatMargin, marginFromInput, overridesAbove } from './margin';

describe('margin', () => {
  it('is revenue minus payout in integers, negative when the payout is higher', () => {
    expect(computeMargin('cents', 1050, 700)).toEqual({ unit: 'cents', margin: 350, negative: false });
    expect(computeMargin('cents', 700, 700)).toEqual({ unit: 'cents', margin: 0, negative: false });
    expect(computeMargin('bps', 1000, 1250)).toEqual({ unit: 'bps', margin: -250, negative: true });
  });

  it('refuses fractions: money is integer minor units', () => {
    expect(() => computeMargin('cents', 10.5, 7)).toThrow(RangeError);
    expect(() => computeMargin('bps', 1000, Number.NaN)).toThrow(RangeError);
  });

  it('parses the typed terms like the form sends them, without floats', () => {
    // 0.1 + 0.2 style inputs: parsed digit by digit, so the difference is exact.
    expect(marginFromInput('CPA', 'USD', '0.30', '0.10')).toEqual({ unit: 'cents', margin: 20, negative: false });
    expect(marginFromInput('CPC', 'JPY', '1500', '2000')).toEqual({ unit: 'cents', margin: -500, negative: true });
    expect(marginFromInput('CPS', 'USD', '12.5', '10')).toEqual({ unit: 'bps', margin: 250, negative: false });
    expect(marginFromInput('CPA', 'USD', '10', '')).toBeNull();
    expect(marginFromInput('CPA', 'USD', '10.505', '1')).toBeNull();
  });

  it('formats money in the campaign’s currency and CPS as percentage points', () => {
    expect(formatMargin({ unit: 'cents', margin: 350, negative: false }, 'USD')).toBe('$3.50');
    expect(formatMargin({ unit: 'cents', margin: -100, negative: true }, 'USD')).toBe('-$1.00');
    expect(formatMargin({ unit: 'cents', margin: 500, negative: false }, 'JPY')).toBe('¥500');
    expect(formatMargin({ unit: 'bps', margin: 250, negative: false }, 'USD')).toBe('2.5 percentage points');
    expect(formatMargin({ unit: 'bps', margin: -100, negative: true }, 'USD')).toBe('-1 percentage point');
  });

  it('lists the overrides above a revenue, in the model’s unit', () => {
    const overrides = [
      { affiliateId: 'a', payoutCents: 900, payoutBps: null },
      { affiliateId: 'b', payoutCents: 1200, payoutBps: null },
      { affiliateId: 'c', payoutCents: null, payoutBps: 2000 },
    ];
    expect(overridesAbove(overrides, 'CPA', 1000)).toEqual(['b']);
    expect(overridesAbove(overrides, 'CPS', 1500)).toEqual(['c']);
    expect(overridesAbove(overrides, 'CPA', 1200)).toEqual([]);
  });
});
