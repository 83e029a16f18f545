import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { DateRangePicker, toReportQuery, type ReportRange } from './DateRangePicker';

/** The picker with its state, recording every value it reported. */
function Harness({ initial, seen }: { initial: ReportRange; seen: ReportRange[] }) {
  const [value, setValue] = useState(initial);
  return (
    <DateRangePicker
      value={value}
      onChange={(v) => {
        seen.push(v);
        setValue(v);
      }}
    />
  );
}

const custom = (from: string, to: string, granularity: 'hour' | 'day' = 'day'): ReportRange => ({ preset: 'custom', range: { from, to }, tz: 'UTC', granularity });

function setup(initial: ReportRange) {
  const seen: ReportRange[] = [];
  render(<Harness initial={initial} seen={seen} />);
  const group = screen.getByRole('group', { name: 'Report range' });
  return { seen, group, interval: within(group).getByRole('group', { name: 'Interval' }) };
}

describe('date range picker', () => {
  it('allows hourly charts for 31 days', async () => {
    const ok = setup(custom('2026-10-01', '2026-10-31'));
    await userEvent.click(within(ok.interval).getByRole('button', { name: 'Hourly' }));
    expect(ok.seen.at(-1)?.granularity).toBe('hour');
    expect(within(ok.interval).getByRole('button', { name: 'Hourly' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refuses hourly for 32 days, saying why', async () => {
    const long = setup(custom('2026-10-01', '2026-11-01'));
    await userEvent.click(within(long.interval).getByRole('button', { name: 'Hourly' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Hourly charts cover at most 31 days');
    expect(long.seen).toEqual([]);
    expect(within(long.interval).getByRole('button', { name: 'Daily' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('switches an hourly chart to daily when the range grows past 31 days', () => {
    const { seen, group } = setup(custom('2026-11-01', '2026-11-07', 'hour'));
    fireEvent.change(within(group).getByLabelText('From'), { target: { value: '2026-10-01' } });
    expect(seen.at(-1)).toMatchObject({ preset: 'custom', range: { from: '2026-10-01', to: '2026-11-07' }, granularity: 'day' });
    fireEvent.change(within(group).getByLabelText('From'), { target: { value: '2026-10-20' } });
    // Shorter again: stays daily (the user can pick hourly).
    expect(seen.at(-1)).toMatchObject({ range: { from: '2026-10-20', to: '2026-11-07' }, granularity: 'day' });
  });

  it('refuses a start after the end, keeping the last valid range', () => {
    const { seen, group } = setup(custom('2026-11-01', '2026-11-07'));
    fireEvent.change(within(group).getByLabelText('From'), { target: { value: '2026-11-08' } });
    expect(screen.getByRole('alert')).toHaveTextContent('The start date must be on or before the end date');
    fireEvent.change(within(group).getByLabelText('To'), { target: { value: '2026-10-31' } });
    expect(seen).toEqual([]);
    expect(within(group).getByLabelText('From')).toHaveValue('2026-11-01');
    // A valid change clears the message; one day (start = end) is allowed.
    fireEvent.change(within(group).getByLabelText('To'), { target: { value: '2026-11-01' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(seen.at(-1)?.range).toEqual({ from: '2026-11-01', to: '2026-11-01' });
  });

  it('turns calendar days in the time zone into the API’s half-open instants', () => {
    expect(toReportQuery({ ...custom('2026-11-01', '2026-11-07'), tz: 'Europe/Berlin' })).toEqual({ from: '2026-10-31T23:00:00.000Z', to: '2026-11-07T23:00:00.000Z', granularity: 'day', tz: 'Europe/Berlin' });
  });
});
