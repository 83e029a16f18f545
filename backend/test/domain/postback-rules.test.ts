import { describe, expect, it } from 'vitest';
import { liveConversionDelta, statusFields } from '../../src/domain/conversion-money';
import { maskToken, mergePostbackParams, postbackParamsSchema, storedParams } from '../../src/domain/postback-params';
import { signPostback, verifyPostbackSignature } from '../../src/domain/postback-signature';
import { isPublicAddress, nonPublicReason } from '../../src/domain/public-address';

describe('postback parameters', () => {
  it('merges query and body, the body winning, known names only; JSON numbers become decimal text', () => {
    expect(mergePostbackParams({ click_id: 'q', txn_id: 'q', other: 'x' }, { txn_id: 'b', amount: 12.5 })).toEqual({ click_id: 'q', txn_id: 'b', amount: '12.5' });
    expect(mergePostbackParams(undefined, [1, 2])).toEqual({});
    expect(mergePostbackParams({ click_id: ['a', 'b'] }, null)).toEqual({ click_id: ['a', 'b'] });
  });

  it('normalizes what it accepts and drops empty optional values', () => {
    const p = postbackParamsSchema.parse({ click_id: ' abc ', txn_id: '', amount: ' 19.99 ', currency: 'eur', status: 'APPROVED', token: 't' });
    expect(storedParams(p)).toEqual({ click_id: 'abc', amount: '19.99', currency: 'EUR', status: 'approved', token: 't' });
  });

  it.each([
    [{}],
    [{ click_id: '' }],
    [{ click_id: 'a'.repeat(65) }],
    [{ click_id: 'a\u0007' }],
    [{ click_id: 'a', amount: '1e3' }],
    [{ click_id: 'a', amount: '1234567890123' }],
    [{ click_id: 'a', amount: '1.1234567' }],
    [{ click_id: 'a', currency: 'EURO' }],
    [{ click_id: 'a', status: 'paid' }],
    [{ click_id: 'a', txn_id: 5 }],
  ])('refuses %j', (input) => {
    expect(postbackParamsSchema.safeParse(input).success).toBe(false);
  });

  it('masks tokens', () => {
    expect(maskToken('abcdefgh')).toBe('abcd…');
    expect(maskToken('abc')).toBe('…');
    expect(maskToken(undefined)).toBeUndefined();
  });
});

describe('public addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['10.0.0.1', 'private'], ['172.16.5.4', 'private'], ['192.168.0.10', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'], ['169.254.169.254', 'link-local'], ['0.0.0.0', 'unspecified'], ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'], ['::', 'unspecified'], ['::1', 'loopback'], ['fe80::1', 'link-local'], ['fd12:3456::1', 'unique local'],
    ['ff02::1', 'multicast'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:a9fe:a9fe', 'link-local'], ['::ffff:10.0.0.1', 'private'],
  ])('%s is not public (%s)', (ip, why) => {
    expect(isPublicAddress(ip)).toBe(false);
    expect(nonPublicReason(ip)).toContain(why);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it('refuses what is not an address', () => {
    expect(nonPublicReason('example.com')).toBe('not an IP address');
  });
});

describe('outbound postback signature', () => {
  it('is an HMAC-SHA256 of timestamp.url', () => {
    // echo -n '1700000000.https://aff.example.com/pb?c=1' | openssl dgst -sha256 -hmac secret
    expect(signPostback('secret', '1700000000', 'https://aff.example.com/pb?c=1')).toBe('sha256=9c1468d97893cd6586f163a9fbb42b0f6b9fc1ad323246c5fe1ccefea6ae3082');
    const sig = signPostback('secret', '1700000000', 'https://aff.example.com/pb?c=1');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyPostbackSignature('secret', '1700000000', 'https://aff.example.com/pb?c=1', sig)).toBe(true);
    expect(verifyPostbackSignature('secret', '1700000001', 'https://aff.example.com/pb?c=1', sig)).toBe(false);
    expect(verifyPostbackSignature('secret', '1700000000', 'https://aff.example.com/pb?c=2', sig)).toBe(false);
    expect(verifyPostbackSignature('secret', '1700000000', 'https://aff.example.com/pb?c=1', 'sha256=00')).toBe(false);
  });
});

describe('conversion money by status', () => {
  it('splits revenue and payout into approved and pending', () => {
    expect(statusFields('approved', 1000, 700)).toEqual({ approved: 1, pending: 0, rejected: 0, revApprovedCents: 1000, revPendingCents: 0, payApprovedCents: 700, payPendingCents: 0 });
    expect(statusFields('pending', 1000, 700)).toMatchObject({ pending: 1, revPendingCents: 1000, payPendingCents: 700, revApprovedCents: 0 });
    expect(statusFields('rejected', 1000, 700)).toMatchObject({ rejected: 1, revApprovedCents: 0, revPendingCents: 0, payApprovedCents: 0, payPendingCents: 0 });
  });

  it('moves live totals only across the rejected boundary', () => {
    expect(liveConversionDelta(null, 'approved', 1000, 700)).toEqual({ conversions: 1, revenueCents: 1000, payoutCents: 700 });
    expect(liveConversionDelta(null, 'rejected', 1000, 700)).toEqual({ conversions: 0, revenueCents: 0, payoutCents: 0 });
    expect(liveConversionDelta('pending', 'approved', 1000, 700)).toEqual({ conversions: 0, revenueCents: 0, payoutCents: 0 });
    expect(liveConversionDelta('approved', 'rejected', 1000, 700)).toEqual({ conversions: -1, revenueCents: -1000, payoutCents: -700 });
    expect(liveConversionDelta('rejected', 'pending', 1000, 700)).toEqual({ conversions: 1, revenueCents: 1000, payoutCents: 700 });
  });
});
