import { describe, expect, it } from 'vitest';
import { clickValue, conversionValue } from '../../src/domain/payout-models';

describe('payout models', () => {
  it('CPA and CPL pay fixed cents, overrides change only the payout', () => {
    const t = { model: 'CPA' as const, revenueCents: 1000, payoutCents: 700 };
    expect(conversionValue(t, null, null)).toEqual({ ok: true, revenueCents: 1000, payoutCents: 700 });
    expect(conversionValue(t, { payoutCents: 850 }, 5000)).toEqual({ ok: true, revenueCents: 1000, payoutCents: 850 });
    expect(conversionValue({ ...t, model: 'CPL' }, null, null)).toEqual({ ok: true, revenueCents: 1000, payoutCents: 700 });
  });

  it('CPS takes basis points of the sale and needs an amount', () => {
    const t = { model: 'CPS' as const, revenueBps: 1500, payoutBps: 1000 };
    expect(conversionValue(t, null, 12_345)).toEqual({ ok: true, revenueCents: 1852, payoutCents: 1235 });
    expect(conversionValue(t, { payoutBps: 1200 }, 10_000)).toEqual({ ok: true, revenueCents: 1500, payoutCents: 1200 });
    expect(conversionValue(t, null, null)).toEqual({ ok: false, reason: 'amount_required' });
  });

  it('CPC pays per unique valid click and nothing per conversion', () => {
    const t = { model: 'CPC' as const, revenueCents: 50, payoutCents: 30 };
    expect(conversionValue(t, null, 1000)).toEqual({ ok: true, revenueCents: 0, payoutCents: 0 });
    expect(clickValue(t, null, { unique: true, valid: true })).toEqual({ revenueCents: 50, payoutCents: 30 });
    expect(clickValue(t, { payoutCents: 40 }, { unique: true, valid: true })).toEqual({ revenueCents: 50, payoutCents: 40 });
    expect(clickValue(t, null, { unique: false, valid: true })).toEqual({ revenueCents: 0, payoutCents: 0 });
    expect(clickValue(t, null, { unique: true, valid: false })).toEqual({ revenueCents: 0, payoutCents: 0 });
    expect(clickValue({ model: 'CPA', revenueCents: 1, payoutCents: 1 }, null, { unique: true, valid: true })).toEqual({ revenueCents: 0, payoutCents: 0 });
  });
});
