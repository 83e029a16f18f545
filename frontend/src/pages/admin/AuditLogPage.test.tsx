import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AuditActor, AuditDetails } from './AuditLogPage';

describe('AuditDetails', () => {
  it('shows a settings change as one "before → after" line per field, a reset as going to the default', () => {
    render(<AuditDetails details={{ payoutHoldDays_before: 7, payoutHoldDays_after: 3, payoutMinimumCents_before: 100, payoutMinimumCents_after: 5000, payoutMinimumCents_reset: true }} />);
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['Payout hold days: 7 → 3', 'Payout minimum cents: 100 → 5000 (default)']);
  });

  it('shows other details as they are', () => {
    render(<AuditDetails details={{ name: 'Reporting', scope: 'read', revoked: true, owner: null }} />);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Name: Reporting', 'Scope: read', 'Revoked: yes', 'Owner: —']);
  });
});

describe('AuditActor', () => {
  it('names the account, its email and the API key it used', () => {
    render(<AuditActor actor={{ id: '6750b2d4c1f0a3e9d2b4a7c1', role: 'admin', via: 'api_key', name: 'Dana Ops', email: 'dana@example.test', key: { id: 'k1', prefix: 'ofl_ab12cd34', name: 'nightly sync' } }} />);
    expect(screen.getByText('Dana Ops')).toBeTruthy();
    expect(screen.getByText('dana@example.test')).toBeTruthy();
    expect(screen.getByText(/API key “nightly sync”/).textContent).toContain('ofl_ab12cd34…');
    expect(screen.queryByText(/c1$/)).toBeNull();
  });

  it('says System for changes nobody made, and keeps the role when the account is gone', () => {
    const { rerender } = render(<AuditActor actor={null} />);
    expect(screen.getByText('System')).toBeTruthy();
    rerender(<AuditActor actor={{ id: '6750b2d4c1f0a3e9d2b4a7c1', role: 'advertiser', via: 'cookie', name: null, email: null, key: null }} />);
    expect(screen.getByText('Advertiser (account removed)')).toBeTruthy();
  });
});
