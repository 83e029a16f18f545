import { describe, expect, it } from 'vitest';
import { botVerdict } from '../../src/domain/bots';
import { budgetExhausted, classifyClick, cleanText, deepLinkLocation, limitReached, nextSpendCents } from '../../src/domain/click-rules';

const ok = { campaignStatus: 'active', affiliateStatus: 'approved', advertiserStatus: 'approved', limit: null } as const;
const noCaps = { dailyConversions: null, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null };

describe('click classification', () => {
  it('blocks on campaign state, affiliate state and limits, in that order; bots are invalid but not blocked', () => {
    expect(classifyClick(ok, null)).toEqual({ reason: null, blocked: false });
    expect(classifyClick(ok, 'bot')).toEqual({ reason: 'bot', blocked: false });
    expect(classifyClick(ok, botVerdict(''))).toEqual({ reason: 'no_user_agent', blocked: false });
    expect(classifyClick({ ...ok, campaignStatus: 'paused' }, 'bot')).toEqual({ reason: 'campaign_paused', blocked: true });
    expect(classifyClick({ ...ok, campaignStatus: 'archived', affiliateStatus: 'suspended' }, null).reason).toBe('campaign_archived');
    expect(classifyClick({ ...ok, affiliateStatus: 'suspended', limit: 'cap_reached' }, null).reason).toBe('affiliate_inactive');
    expect(classifyClick({ ...ok, affiliateStatus: 'missing' }, null).reason).toBe('affiliate_inactive');
    expect(classifyClick({ ...ok, limit: 'budget_exhausted' }, null)).toEqual({ reason: 'budget_exhausted', blocked: true });
  });

  it('sends no traffic to an advertiser that is pending, suspended, rejected or gone; a paused campaign keeps its own reason', () => {
    for (const advertiserStatus of ['pending', 'suspended', 'rejected', 'missing'] as const) {
      expect(classifyClick({ ...ok, advertiserStatus }, null), advertiserStatus).toEqual({ reason: 'advertiser_inactive', blocked: true });
    }
    expect(classifyClick({ ...ok, campaignStatus: 'paused', advertiserStatus: 'suspended' }, null).reason).toBe('campaign_paused');
    expect(classifyClick({ ...ok, advertiserStatus: 'suspended', affiliateStatus: 'suspended' }, null).reason).toBe('advertiser_inactive');
  });

  it('marks HEAD requests invalid (head_request) without blocking them; a blocked link keeps its blocking reason', () => {
    expect(classifyClick(ok, null, true)).toEqual({ reason: 'head_request', blocked: false });
    expect(classifyClick(ok, 'bot', true)).toEqual({ reason: 'head_request', blocked: false });
    expect(classifyClick(ok, 'no_user_agent', true)).toEqual({ reason: 'head_request', blocked: false });
    expect(classifyClick({ ...ok, campaignStatus: 'paused' }, null, true)).toEqual({ reason: 'campaign_paused', blocked: true });
    expect(classifyClick(ok, null, false)).toEqual({ reason: null, blocked: false });
  });

  it('finds reached caps and budgets from the day and lifetime counters', () => {
    expect(limitReached(noCaps, { conversions: 99, spendCents: 99 }, null)).toBeNull();
    expect(limitReached({ ...noCaps, dailyConversions: 3 }, { conversions: 3, spendCents: 0 }, null)).toBe('cap_reached');
    expect(limitReached({ ...noCaps, dailyConversions: 3 }, { conversions: 2, spendCents: 0 }, { conversions: 50, spendCents: 0 })).toBeNull();
    expect(limitReached({ ...noCaps, totalConversions: 50 }, null, { conversions: 50, spendCents: 0 })).toBe('cap_reached');
    expect(limitReached({ ...noCaps, dailyBudgetCents: 100, dailyConversions: 1 }, { conversions: 1, spendCents: 100 }, null)).toBe('budget_exhausted');
    expect(limitReached({ ...noCaps, totalBudgetCents: 100 }, null, null)).toBeNull();
  });

  it('counts a budget as exhausted once what remains cannot pay for the next event', () => {
    expect(nextSpendCents({ payoutModel: 'CPA', revenueCents: 1000 })).toBe(1000);
    expect(nextSpendCents({ payoutModel: 'CPL', revenueCents: 250 })).toBe(250);
    expect(nextSpendCents({ payoutModel: 'CPC', revenueCents: 30 })).toBe(30);
    expect(nextSpendCents({ payoutModel: 'CPS', revenueCents: null })).toBe(1);
    expect(nextSpendCents({ payoutModel: 'CPA', revenueCents: 0 })).toBe(1);

    expect(budgetExhausted(null, 1e9, 1000)).toBe(false);
    expect(budgetExhausted(1500, 1000, 1000)).toBe(true);
    expect(budgetExhausted(2000, 1000, 1000)).toBe(false);
    expect(budgetExhausted(1500, 1499, 1)).toBe(false);
    expect(budgetExhausted(1500, 1500, 1)).toBe(true);
    expect(budgetExhausted(1500, 1500, 0)).toBe(true);
    expect(budgetExhausted(500, undefined, 1000)).toBe(true);

    const daily = { ...noCaps, dailyBudgetCents: 1500, dailyConversions: 10 };
    expect(limitReached(daily, { conversions: 1, spendCents: 1000 }, null, 1000)).toBe('budget_exhausted');
    expect(limitReached(daily, { conversions: 1, spendCents: 1000 }, null, 500)).toBeNull();
    expect(limitReached({ ...noCaps, totalBudgetCents: 10_000 }, null, { conversions: 9, spendCents: 9_001 }, 1000)).toBe('budget_exhausted');
    // Without the next event's cost, only a spent budget counts (CPS sales are known when they arrive).
    expect(limitReached(daily, { conversions: 1, spendCents: 1000 }, null)).toBeNull();
  });
});

describe('request text', () => {
  it('keeps printable text, drops controls and lone surrogates, bounds the length without splitting pairs', () => {
    expect(cleanText(undefined, 10)).toBeNull();
    expect(cleanText('', 10)).toBeNull();
    expect(cleanText('  \u0000\u0007 ', 10)).toBeNull();
    expect(cleanText(' a\u0000b\u009fc ', 10)).toBe('abc');
    expect(cleanText('x\ud800y\udc00z', 10)).toBe('xyz');
    expect(cleanText('😀😀', 3)).toBe('😀');
    expect(cleanText('é'.repeat(300), 255)).toHaveLength(255);
  });
});

describe('deep links', () => {
  it('adds the destination’s tracking parameters the deep link lacks, without re-encoding either', () => {
    const d = deepLinkLocation(new URL('https://shop.example.com/p/1?color=red&q=a%20b'), 'https://shop.example.com/l?cid=abc&color=blue&s1=x%2Fy');
    expect(d).toBe('https://shop.example.com/p/1?color=red&q=a%20b&cid=abc&s1=x%2Fy');
    expect(deepLinkLocation(new URL('https://shop.example.com/p#top'), 'https://shop.example.com/?cid=1')).toBe('https://shop.example.com/p?cid=1#top');
    expect(deepLinkLocation(new URL('https://shop.example.com/p'), 'not a url')).toBe('https://shop.example.com/p');
  });
});
