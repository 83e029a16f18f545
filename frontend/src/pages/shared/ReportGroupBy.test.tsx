import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { initialRange } from '../../components/DateRangePicker';
import { ToastProvider } from '../../context/ToastContext';
import { ReportCard } from './ReportCard';
import { BreakdownLabel, DIMENSION_GROUPS, useGroupBy } from './ReportGroupBy';

const GROUPS = [{ id: 'campaign', label: 'Campaign' }, ...DIMENSION_GROUPS] as const;

function Where() {
  return <output aria-label="search">{useLocation().search}</output>;
}

/** A report card whose breakdown is grouped as the address says, showing what it would ask the API for. */
function Grouped() {
  const [groupBy, setGroupBy] = useGroupBy(GROUPS);
  return (
    <ToastProvider>
      <ReportCard
        range={{ value: initialRange('7d', 'UTC'), setValue: vi.fn() }}
        report={{ data: 'ok', error: null, refetch: vi.fn(), isPlaceholderData: false }}
        csv={{ url: '/x', filename: 'x.csv' }}
        groupBy={{ value: groupBy, options: GROUPS, onChange: (v) => setGroupBy(v as typeof groupBy) }}
      >
        {() => <p data-testid="asked">{groupBy}</p>}
      </ReportCard>
      <Where />
    </ToastProvider>
  );
}

const renderAt = (url: string) =>
  render(
    <MemoryRouter initialEntries={[url]}>
      <Grouped />
    </MemoryRouter>,
  );

describe('report group-by selector', () => {
  it('offers every grouping, reads the choice from the address and writes a new one back (the default leaves it)', async () => {
    renderAt('/dashboard?groupBy=device&x=1');
    const select = screen.getByLabelText('Group by') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['Campaign', 'Country', 'Device', 'OS', 'Browser', 'Sub2', 'Sub3', 'Sub4', 'Sub5']);
    expect(select.value).toBe('device');
    expect(screen.getByTestId('asked').textContent).toBe('device');
    await userEvent.selectOptions(select, 'sub3');
    expect(screen.getByTestId('asked').textContent).toBe('sub3');
    expect(screen.getByLabelText('search').textContent).toBe('?groupBy=sub3&x=1');
    await userEvent.selectOptions(select, 'campaign');
    expect(screen.getByLabelText('search').textContent).toBe('?x=1');
  });

  it('falls back to the report’s first grouping for a value it does not offer', () => {
    renderAt('/dashboard?groupBy=affiliate');
    expect((screen.getByLabelText('Group by') as HTMLSelectElement).value).toBe('campaign');
    expect(screen.getByTestId('asked').textContent).toBe('campaign');
  });

  it('names rows readably: a country with its code, no value as (none), the rest as (other)', () => {
    render(
      <ul>
        <li data-testid="fr">
          <BreakdownLabel groupBy="country" row={{ key: 'FR', label: 'France' }} />
        </li>
        <li data-testid="none">
          <BreakdownLabel groupBy="sub2" row={{ key: '', label: '(none)' }} />
        </li>
        <li data-testid="other">
          <BreakdownLabel groupBy="sub2" row={{ key: '\u001fother', label: '(other)' }} />
        </li>
        <li data-testid="mobile">
          <BreakdownLabel groupBy="device" row={{ key: 'mobile', label: 'Mobile' }} />
        </li>
      </ul>,
    );
    expect(screen.getByTestId('fr').textContent).toBe('France FR');
    expect(screen.getByTestId('none').textContent).toBe('(none)');
    expect(screen.getByTestId('other').textContent).toBe('(other)');
    expect(screen.getByTestId('mobile').textContent).toBe('Mobile');
  });
});
