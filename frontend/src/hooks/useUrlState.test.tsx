import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { useUrlListFilter } from './useListFilter';
import { useUrlParams } from './useUrlState';

function Where() {
  const loc = useLocation();
  return <output aria-label="search">{loc.search}</output>;
}

function Filtered() {
  const status = useUrlListFilter('status', 'Status', { all: 'All', pending: 'Pending', approved: 'Approved' }, 'all');
  const [params, set] = useUrlParams();
  return (
    <>
      {status.control}
      <span data-testid="param">{status.param || '(none)'}</span>
      <button onClick={() => set({ q: 'abc', from: '2026-12-01' })}>Search</button>
      <button onClick={() => set({ q: undefined })}>Clear</button>
      <span data-testid="q">{params.get('q') ?? ''}</span>
      <Where />
    </>
  );
}

describe('list state in the URL', () => {
  it('reads a filter from the URL, ignores unknown values, and writes choices back', async () => {
    render(
      <MemoryRouter initialEntries={['/conversions?status=approved&other=1']}>
        <Filtered />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('param').textContent).toBe('approved');
    await userEvent.click(screen.getByRole('button', { name: 'Pending' }));
    expect(screen.getByLabelText('search').textContent).toBe('?status=pending&other=1');
    await userEvent.click(screen.getByRole('button', { name: 'All' }));
    // The default choice leaves the URL.
    expect(screen.getByLabelText('search').textContent).toBe('?other=1');
  });

  it('treats a value that is no choice as the initial one', () => {
    render(
      <MemoryRouter initialEntries={['/x?status=bogus']}>
        <Filtered />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('param').textContent).toBe('(none)');
  });

  it('sets several parameters in one change and removes empty ones', async () => {
    render(
      <MemoryRouter initialEntries={['/x']}>
        <Filtered />
      </MemoryRouter>,
    );
    await act(() => userEvent.click(screen.getByRole('button', { name: 'Search' })));
    expect(screen.getByTestId('q').textContent).toBe('abc');
    expect(screen.getByLabelText('search').textContent).toBe('?q=abc&from=2026-12-01');
    await userEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.getByLabelText('search').textContent).toBe('?from=2026-12-01');
  });
});
