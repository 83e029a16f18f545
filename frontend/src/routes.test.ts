import { describe, expect, it } from 'vitest';
import { NAV } from './components/layout/nav';
import { canOpen, ROUTES } from './routes';

describe('role routes', () => {
  it('every sidebar entry opens a page of that role', () => {
    for (const role of ['admin', 'advertiser', 'affiliate'] as const) {
      for (const item of NAV[role]) expect(ROUTES[role].some((r) => r.path === item.to), `${role} ${item.to}`).toBe(true);
    }
  });

  it('knows which role can open a path (for returning after sign-in)', () => {
    expect(canOpen('advertiser', '/campaigns/abc?tab=postback')).toBe(true);
    expect(canOpen('advertiser', '/campaigns/new')).toBe(true);
    expect(canOpen('affiliate', '/campaigns/new')).toBe(false);
    expect(canOpen('advertiser', '/overview')).toBe(false);
    expect(canOpen('admin', '/payouts/p1')).toBe(true);
    expect(canOpen('affiliate', '/offers/c1')).toBe(true);
    expect(canOpen('affiliate', '/signin')).toBe(false);
  });
});
