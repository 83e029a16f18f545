import { describe, expect, it } from 'vitest';
import { reviewTransition } from '../../src/domain/account-rules';
import { botVerdict } from '../../src/domain/bots';
import { clickIdTime, isClickId, newClickId } from '../../src/domain/click-id';
import { PERMISSIONS, canJoinRoom, canSeeCampaign, decide } from '../../src/domain/permissions';
import { dayKey, hourKey, hourStart, hoursBetween, localDay, localDayStart } from '../../src/domain/time-buckets';
import { visitorHash } from '../../src/domain/visitor';

describe('click ids', () => {
  it('carry their time and are unique', () => {
    const t = Date.UTC(2026, 10, 25, 10, 30);
    const ids = new Set(Array.from({ length: 10_000 }, () => newClickId(t)));
    expect(ids.size).toBe(10_000);
    const id = [...ids][0]!;
    expect(isClickId(id)).toBe(true);
    expect(clickIdTime(id)).toBe(t);
    expect(clickIdTime('zz')).toBeNull();
    expect(isClickId(id.toUpperCase())).toBe(false);
  });
});

describe('time buckets', () => {
  it('rounds to hours and names UTC days', () => {
    const t = Date.UTC(2026, 10, 25, 10, 59, 59, 999);
    expect(hourStart(t)).toBe(Date.UTC(2026, 10, 25, 10));
    expect(dayKey(t)).toBe('20261125');
    expect(hoursBetween(Date.UTC(2026, 0, 1, 22, 15), Date.UTC(2026, 0, 2, 1))).toHaveLength(3);
  });

  it('names hours with keys that sort in time order', () => {
    expect(hourKey(Date.UTC(2026, 10, 25, 9, 59))).toBe('2026-11-25T09');
    const keys = hoursBetween(Date.UTC(2026, 11, 31, 20), Date.UTC(2027, 0, 1, 4)).map(hourKey);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(8);
  });

  it('assigns hours to local days in a time zone, across DST', () => {
    expect(localDay(Date.UTC(2026, 10, 25, 3), 'America/New_York')).toBe('2026-11-24');
    expect(localDayStart(Date.UTC(2026, 10, 25, 12), 'America/New_York')).toBe(Date.UTC(2026, 10, 25, 5));
    // 8 March 2026: New York springs forward, the day is 23 hours long.
    const start = localDayStart(Date.UTC(2026, 2, 8, 12), 'America/New_York');
    const next = localDayStart(Date.UTC(2026, 2, 9, 12), 'America/New_York');
    expect((next - start) / 3_600_000).toBe(23);
  });
});

describe('bots and visitors', () => {
  it('recognises automated clients and missing user agents', () => {
    expect(botVerdict('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toBe('bot');
    expect(botVerdict('curl/8.5.0')).toBe('bot');
    expect(botVerdict('')).toBe('no_user_agent');
    expect(botVerdict(undefined)).toBe('no_user_agent');
    expect(botVerdict('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1')).toBeNull();
  });

  it('hashes visitors with a key', () => {
    expect(visitorHash('1.2.3.4', 'ua', 's')).toBe(visitorHash('1.2.3.4', 'ua', 's'));
    expect(visitorHash('1.2.3.4', 'ua', 's')).not.toBe(visitorHash('1.2.3.5', 'ua', 's'));
    expect(visitorHash('1.2.3.4', 'ua', 's')).not.toBe(visitorHash('1.2.3.4', 'ua', 't'));
  });
});

describe('permissions', () => {
  it('never lets anyone but admins review payouts or affiliates', () => {
    expect(PERMISSIONS['payouts.review']).toEqual(['admin']);
    expect(PERMISSIONS['admin.affiliates.review']).toEqual(['admin']);
  });

  it('holds unapproved affiliates back, except for their own account', () => {
    expect(decide({ role: 'affiliate', status: 'pending' }, 'links.get')).toBe('deny_unapproved');
    expect(decide({ role: 'affiliate', status: 'suspended' }, 'auth.me')).toBe('allow');
    expect(decide({ role: 'affiliate', status: 'approved' }, 'links.get')).toBe('allow');
    expect(decide({ role: 'advertiser', status: 'approved' }, 'links.get')).toBe('deny_role');
  });

  it('applies resource rules to campaigns and rooms', () => {
    const adv = { id: 'a1', role: 'advertiser' as const, status: 'approved' as const };
    const aff = { id: 'f1', role: 'affiliate' as const, status: 'approved' as const };
    expect(canSeeCampaign(adv, { advertiserId: 'a1', status: 'paused' })).toBe(true);
    expect(canSeeCampaign(adv, { advertiserId: 'a2', status: 'active' })).toBe(false);
    expect(canSeeCampaign(aff, { advertiserId: 'a2', status: 'paused' })).toBe(false);
    expect(canJoinRoom(aff, { kind: 'affiliate', affiliateId: 'f1' })).toBe(true);
    expect(canJoinRoom(aff, { kind: 'affiliate', affiliateId: 'f2' })).toBe(false);
    expect(canJoinRoom(aff, { kind: 'campaign', campaign: { advertiserId: 'a1' } })).toBe(false);
    expect(canJoinRoom(adv, { kind: 'admin' })).toBe(false);
  });

  it('allows only sensible affiliate reviews', () => {
    expect(reviewTransition('pending', 'approve')).toBe('approved');
    expect(reviewTransition('approved', 'suspend')).toBe('suspended');
    expect(reviewTransition('suspended', 'approve')).toBe('approved');
    expect(reviewTransition('approved', 'reject')).toBeNull();
    expect(reviewTransition('pending', 'suspend')).toBeNull();
    expect(reviewTransition('suspended', 'reinstate')).toBe('approved');
    expect(reviewTransition('pending', 'reinstate')).toBeNull();
    expect(reviewTransition('rejected', 'reinstate')).toBeNull();
  });

  it('leaves suspended and rejected advertisers read-only, pending ones free to prepare campaigns', () => {
    for (const status of ['suspended', 'rejected'] as const) {
      const adv = { role: 'advertiser' as const, status };
      expect(decide(adv, 'campaigns.list')).toBe('allow');
      expect(decide(adv, 'analytics.campaign')).toBe('allow');
      expect(decide(adv, 'campaigns.create')).toBe('deny_inactive_advertiser');
      expect(decide(adv, 'conversions.review')).toBe('deny_inactive_advertiser');
      expect(decide(adv, 'links.get')).toBe('deny_role');
    }
    expect(decide({ role: 'advertiser', status: 'pending' }, 'campaigns.create')).toBe('allow');
    expect(decide({ role: 'advertiser', status: 'pending' }, 'campaigns.changeStatus')).toBe('allow');
  });
});
