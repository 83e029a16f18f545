import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { initialRange } from '../../components/DateRangePicker';
import { ToastProvider } from '../../context/ToastContext';
import { ReportCard } from './ReportCard';

const range = { value: initialRange('7d', 'UTC'), setValue: vi.fn() };
const report = (over: Partial<{ data: string; isPlaceholderData: boolean }>) => ({ data: undefined as string | undefined, error: null, refetch: vi.fn(), isPlaceholderData: false, ...over });

function renderCard(state: ReturnType<typeof report>) {
  return render(
    <ToastProvider>
      <ReportCard range={range} report={state} csv={{ url: '/api/analytics/overview?format=csv', filename: 'overview.csv' }}>
        {(r) => <p>{r}</p>}
      </ReportCard>
    </ToastProvider>,
  );
}

describe('report card', () => {
  it('shows the range and the CSV download above the report, dimmed while another range loads', () => {
    const { rerender } = renderCard(report({}));
    expect(screen.getByText('Loading statistics…')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Report range' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Download CSV/ })).toBeInTheDocument();

    rerender(
      <ToastProvider>
        <ReportCard range={range} report={report({ data: '12 clicks', isPlaceholderData: true })} csv={{ url: '/x', filename: 'x.csv' }}>
          {(r) => <p>{r}</p>}
        </ReportCard>
      </ToastProvider>,
    );
    expect(screen.getByText('12 clicks').closest('.opacity-60')).not.toBeNull();

    rerender(
      <ToastProvider>
        <ReportCard range={range} report={report({ data: '14 clicks' })} csv={{ url: '/x', filename: 'x.csv' }}>
          {(r) => <p>{r}</p>}
        </ReportCard>
      </ToastProvider>,
    );
    expect(screen.getByText('14 clicks').closest('.opacity-60')).toBeNull();
  });
});
