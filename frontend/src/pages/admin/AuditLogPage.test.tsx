import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AuditDetails } from './AuditLogPage';

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
