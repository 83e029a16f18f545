import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../api/types';
import { CampaignHistory, fieldLabel } from './CampaignHistory';

const ADV = '6750b2d4c1f0a3e9d2b4a7c1';
const ADMIN = '6750b2d4c1f0a3e9d2b4a7c2';
const change = (at: string, action: Campaign['history'][number]['action'], byRole: 'admin' | 'advertiser', changed: string[] = []) => ({
  at,
  action,
  by: byRole === 'admin' ? ADMIN : ADV,
  byName: byRole === 'admin' ? 'Ada Admin' : 'Acme Owner',
  byRole,
  forAdvertiser: ADV,
  changed,
});

describe('CampaignHistory', () => {
  it('lists changes newest first with names, what changed and who acted on whose behalf', () => {
    const campaign = {
      advertiserName: 'Acme Owner',
      history: [change('2026-12-01T10:00:00.000Z', 'created', 'admin'), change('2026-12-02T10:00:00.000Z', 'edited', 'advertiser', ['name']), change('2026-12-03T10:00:00.000Z', 'edited', 'admin', ['payoutCents', 'caps.dailyConversions']), change('2026-12-04T10:00:00.000Z', 'paused', 'advertiser', ['status'])],
    } as unknown as Campaign;
    render(<CampaignHistory campaign={campaign} />);
    const items = within(screen.getByRole('list', { name: 'Campaign history' })).getAllByRole('listitem').map((li) => li.textContent ?? '');
    expect(items).toHaveLength(4);
    expect(items[0]).toContain('Acme Owner · Paused');
    expect(items[1]).toContain('Ada Admin (admin, on behalf of Acme Owner) · Changed payout, daily conversions cap');
    expect(items[2]).toContain('Acme Owner · Changed name');
    expect(items[2]).not.toContain('on behalf');
    expect(items[3]).toContain('Ada Admin (admin, on behalf of Acme Owner) · Created the campaign');
    expect(items.join(' ')).not.toContain(ADMIN);
  });

  it('says so when the campaign predates its history', () => {
    render(<CampaignHistory campaign={{ advertiserName: null, history: [] } as unknown as Campaign} />);
    expect(screen.getByText('No recorded changes')).toBeTruthy();
  });

  it('labels fields as people read them', () => {
    expect(fieldLabel('attributionWindowDays')).toBe('attribution window days');
    expect(fieldLabel('revenueBps')).toBe('revenue');
    expect(fieldLabel('caps.totalBudgetCents')).toBe('total budget cap');
  });
});
