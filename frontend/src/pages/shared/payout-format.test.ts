import { describe, expect, it } from 'vitest';
import { affiliateLabel, payoutRunSummary } from './payout-format';

describe('payout run summary', () => {
  it('counts in the singular and plural and mentions conversions carried over below the minimum', () => {
    expect(payoutRunSummary({ id: 'r', status: 'succeeded', error: null, counts: { payouts: 1, conversions: 1, carriedOver: 0 } })).toBe('Payout run succeeded: 1 payout, 1 conversion');
    expect(payoutRunSummary({ id: 'r', status: 'succeeded', error: null, counts: { payouts: 0, conversions: 0, carriedOver: 2 } })).toBe(
      'Payout run succeeded: 0 payouts, 0 conversions, 2 conversions below the minimum carried over',
    );
    expect(payoutRunSummary({ id: 'r', status: 'succeeded', error: null, counts: {} })).toBe('Payout run succeeded: 0 payouts, 0 conversions');
  });

  it('mentions the days of CPC clicks paid and carried over', () => {
    expect(payoutRunSummary({ id: 'r', status: 'succeeded', error: null, counts: { payouts: 1, conversions: 0, clickEarnings: 1, carriedOverClickEarnings: 3 } })).toBe(
      'Payout run succeeded: 1 payout, 0 conversions, 1 day of CPC clicks, 3 days of CPC clicks below the minimum carried over',
    );
  });

  it('names a payout by its affiliate, or by id when the account is gone', () => {
    expect(affiliateLabel({ affiliateName: 'Finn', affiliateId: 'a1' })).toBe('Finn');
    expect(affiliateLabel({ affiliateName: null, affiliateId: 'a1' })).toBe('affiliate a1');
  });
});
