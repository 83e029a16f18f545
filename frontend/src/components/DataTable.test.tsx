import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DataTable, sortRows, type Column } from './DataTable';

interface Row {
  id: string;
  name: string;
  clicks: number | null;
}

const columns: Column<Row>[] = [
  { id: 'name', header: 'Name', cell: (r) => r.name, sortValue: (r) => r.name },
  { id: 'clicks', header: 'Clicks', align: 'right', cell: (r) => String(r.clicks ?? '—'), sortValue: (r) => r.clicks },
  { id: 'id', header: 'Id', cell: (r) => r.id },
];

const rows: Row[] = [
  { id: 'r1', name: 'banana', clicks: 10 },
  { id: 'r2', name: 'Apple', clicks: null },
  { id: 'r3', name: 'cherry', clicks: 2 },
  { id: 'r4', name: 'apple 10', clicks: 30 },
  { id: 'r5', name: 'apple 9', clicks: 2 },
];

const bodyNames = () =>
  within(screen.getAllByRole('rowgroup')[1]!)
    .getAllByRole('row')
    .map((r) => within(r).getAllByRole('cell')[0]!.textContent);

describe('DataTable', () => {
  it('sorts by a column on click, ascending then descending, and says so with aria-sort', async () => {
    const user = userEvent.setup();
    render(<DataTable caption="Fruits" columns={columns} rows={rows} rowKey={(r) => r.id} />);
    expect(bodyNames()).toEqual(['banana', 'Apple', 'cherry', 'apple 10', 'apple 9']);

    const nameHeader = screen.getByRole('columnheader', { name: /Name/ });
    expect(nameHeader).toHaveAttribute('aria-sort', 'none');
    await user.click(screen.getByRole('button', { name: /Name/ }));
    // Case-insensitive, numbers in text compared as numbers.
    expect(bodyNames()).toEqual(['Apple', 'apple 9', 'apple 10', 'banana', 'cherry']);
    expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByRole('button', { name: /Name/ }));
    expect(bodyNames()).toEqual(['cherry', 'banana', 'apple 10', 'apple 9', 'Apple']);
    expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
    // Columns without sortValue have no sort button.
    expect(screen.queryByRole('button', { name: /^Id/ })).toBeNull();
  });

  it('keeps empty values last in both directions and ties in their original order', async () => {
    const user = userEvent.setup();
    render(<DataTable caption="Fruits" columns={columns} rows={rows} rowKey={(r) => r.id} />);
    await user.click(screen.getByRole('button', { name: /Clicks/ }));
    expect(bodyNames()).toEqual(['cherry', 'apple 9', 'banana', 'apple 10', 'Apple']);
    await user.click(screen.getByRole('button', { name: /Clicks/ }));
    expect(bodyNames()).toEqual(['apple 10', 'banana', 'cherry', 'apple 9', 'Apple']);
  });

  it('pages rows on the client and goes back to page 1 when the sort changes', async () => {
    const user = userEvent.setup();
    render(<DataTable caption="Fruits" columns={columns} rows={rows} rowKey={(r) => r.id} pageSize={2} rowLabel="fruits" />);
    expect(bodyNames()).toEqual(['banana', 'Apple']);
    expect(screen.getByText('1–2 of 5 fruits')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(bodyNames()).toEqual(['cherry', 'apple 10']);
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(bodyNames()).toEqual(['apple 9']);
    expect(screen.getByText('5–5 of 5 fruits')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: /Name/ }));
    expect(bodyNames()).toEqual(['Apple', 'apple 9']);
  });

  it('shows the server’s paging and asks for other pages', async () => {
    const user = userEvent.setup();
    const onPage = vi.fn();
    render(<DataTable caption="Fruits" columns={columns} rows={rows.slice(0, 2)} rowKey={(r) => r.id} server={{ page: 2, pages: 3, total: 6, limit: 2, onPage }} rowLabel="fruits" />);
    expect(screen.getByText('3–4 of 6 fruits')).toBeInTheDocument();
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(onPage.mock.calls).toEqual([[3], [1]]);
  });

  it('with server paging, leaves the rows in the server’s order and asks the server to sort by the columns it can', async () => {
    const user = userEvent.setup();
    const onSort = vi.fn();
    const serverColumns: Column<Row>[] = [
      { id: 'name', header: 'Name', cell: (r) => r.name, sortValue: (r) => r.name, sortKey: 'name' },
      // Sortable on the client only: with server paging, sorting one page would misorder the list.
      { id: 'clicks', header: 'Clicks', cell: (r) => String(r.clicks ?? '—'), sortValue: (r) => r.clicks },
    ];
    const server = { page: 1, pages: 3, total: 6, limit: 2, onPage: vi.fn(), onSort };
    const { rerender } = render(<DataTable caption="Fruits" columns={serverColumns} rows={rows.slice(0, 2)} rowKey={(r) => r.id} server={{ ...server, sort: { key: 'name', dir: 'desc' } }} />);
    expect(bodyNames()).toEqual(['banana', 'Apple']);
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
    expect(screen.queryByRole('button', { name: /Clicks/ })).toBeNull();
    expect(screen.getByRole('columnheader', { name: /Clicks/ })).not.toHaveAttribute('aria-sort');

    await user.click(screen.getByRole('button', { name: /Name/ }));
    expect(onSort).toHaveBeenLastCalledWith({ key: 'name', dir: 'asc' });
    // The table shows what the server answered, not a local re-sort.
    expect(bodyNames()).toEqual(['banana', 'Apple']);
    rerender(<DataTable caption="Fruits" columns={serverColumns} rows={[rows[1]!, rows[0]!]} rowKey={(r) => r.id} server={{ ...server, sort: { key: 'name', dir: 'asc' } }} />);
    expect(bodyNames()).toEqual(['Apple', 'banana']);
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByRole('button', { name: /Name/ }));
    expect(onSort).toHaveBeenLastCalledWith({ key: 'name', dir: 'desc' });
  });

  it('shows the empty state instead of an empty table', () => {
    render(<DataTable caption="Fruits" columns={columns} rows={[]} rowKey={(r) => r.id} empty={<p>No fruit yet</p>} />);
    expect(screen.getByText('No fruit yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('sortRows is stable and does not mutate its input', () => {
    const input = [{ v: 1, k: 'a' }, { v: 1, k: 'b' }, { v: 0, k: 'c' }];
    const out = sortRows(input, (r) => r.v, 'desc');
    expect(out.map((r) => r.k)).toEqual(['a', 'b', 'c']);
    expect(input.map((r) => r.k)).toEqual(['a', 'b', 'c']);
  });
});

describe('data table wider than the screen', () => {
  it('says there is more to the right, and stops saying so once scrolled to the end', async () => {
    // jsdom lays nothing out: the scroll box is given a width narrower than its table.
    const sizes = { scrollWidth: 900, clientWidth: 390 };
    const spies = (['scrollWidth', 'clientWidth'] as const).map((k) => vi.spyOn(HTMLElement.prototype, k, 'get').mockImplementation(() => sizes[k]));
    try {
      render(<DataTable caption="Wide" columns={columns} rows={rows} rowKey={(r) => r.id} />);
      const region = await screen.findByRole('region', { name: 'Wide (scrolls sideways)' });
      expect(region).toHaveAttribute('tabindex', '0');
      expect(screen.getByText(/More columns to the right/)).toBeInTheDocument();
      region.scrollLeft = 510;
      region.dispatchEvent(new Event('scroll'));
      await vi.waitFor(() => expect(screen.queryByText(/More columns to the right/)).toBeNull());
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('shows no hint when the table fits', () => {
    render(<DataTable caption="Narrow" columns={columns} rows={rows} rowKey={(r) => r.id} />);
    expect(screen.queryByText(/More columns to the right/)).toBeNull();
    expect(screen.queryByRole('region')).toBeNull();
  });
});
