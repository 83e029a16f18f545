import { describe, expect, it } from 'vitest';
import { attribute, initialStatus, statusFlags } from '../../src/domain/attribution';

const campaign = { id: 'c1', status: 'active' as const, currency: 'USD', attributionWindowDays: 7, minClickToConversionSeconds: 10 };
const click = { ts: 1_000_000_000_000, campaignId: 'c1', valid: true };
const base = { click, campaign, affiliateStatus: 'approved' as const, convertedAt: click.ts + 3_600_000, currency: null };

describe('attribution', () => {
  it('attributes a valid click inside the window', () => {
    expect(attribute(base)).toEqual({ ok: true, suspectedFraud: false });
  });

  it.each([
    ['unknown_click', { click: null }],
    ['unknown_click', { click: { ...click, campaignId: 'other' } }],
    ['campaign_inactive', { campaign: { ...campaign, status: 'archived' as const } }],
    ['invalid_click', { click: { ...click, valid: false } }],
    ['affiliate_inactive', { affiliateStatus: 'suspended' as const }],
    ['expired', { convertedAt: click.ts + 7 * 86_400_000 + 1 }],
    ['currency_mismatch', { currency: 'EUR' }],
  ])('rejects with %s', (reason, patch) => {
    expect(attribute({ ...base, ...patch })).toEqual({ ok: false, reason });
  });

  it('still converts clicks of a paused campaign', () => {
    expect(attribute({ ...base, campaign: { ...campaign, status: 'paused' } }).ok).toBe(true);
  });

  it('flags conversions faster than the minimum click-to-conversion time', () => {
    expect(attribute({ ...base, convertedAt: click.ts + 9_000 })).toEqual({ ok: true, suspectedFraud: true });
    expect(attribute({ ...base, convertedAt: click.ts + 10_000 })).toEqual({ ok: true, suspectedFraud: false });
  });

  it('chooses the first status: fraud hold, then the advertiser’s word, then the approval mode', () => {
    expect(initialStatus({ approvalMode: 'auto', suspectedFraud: false, requested: null })).toBe('approved');
    expect(initialStatus({ approvalMode: 'manual', suspectedFraud: false, requested: null })).toBe('pending');
    expect(initialStatus({ approvalMode: 'auto', suspectedFraud: true, requested: 'approved' })).toBe('pending');
    expect(initialStatus({ approvalMode: 'manual', suspectedFraud: false, requested: 'approved' })).toBe('approved');
    expect(initialStatus({ approvalMode: 'auto', suspectedFraud: true, requested: 'rejected' })).toBe('rejected');
    expect(statusFlags('pending')).toEqual({ approved: 0, pending: 1, rejected: 0 });
  });
});
