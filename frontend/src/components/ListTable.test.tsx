import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { withRouterAndQueryClient } from '../../test/query';
import { ApiError } from '../api/client';
import type { CursorPaged, Paged } from '../api/types';
import { useListFilter } from '../hooks/useListFilter';
import { useCursorList, usePagedList, type CursorParams, type PageParams } from '../hooks/useServerList';
import type { Column } from './DataTable';
import { ListTable } from './ListTable';
import { EmptyState } from './states';

interface Thing {
  id: string;
  name: string;
}

type Color = '' | 'red';
const columns: Column<Thing>[] = [
  { id: 'name', header: 'Name', cell: (t) => t.name, sortKey: 'name' },
  { id: 'id', header: 'Id', cell: (t) => t.id },
];
const things = (prefix: string, n = 2) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, name: `${prefix} thing ${i}` }));

/** A list page in miniature: a filter above a list the "API" (`load`) pages and sorts. */
function CursorPage({ load }: { load(q: CursorParams & { color: Color }): Promise<CursorPaged<Thing>> }) {
  const color = useListFilter('Color', { all: 'All', red: 'Red' }, 'all');
  const list = useCursorList((paging) => queryOptions({ queryKey: ['things', color.param, paging], queryFn: () => load({ color: color.param, ...paging }), placeholderData: keepPreviousData }), { key: 'name', dir: 'asc' });
  return (
    <ListTable
      list={list}
      toolbar={color.control}
      caption="Things"
      columns={columns}
      rowKey={(t) => t.id}
      rowLabel="things"
      empty={<EmptyState title="No things here" />}
    />
  );
}

function PagedPage({ load }: { load(q: PageParams): Promise<Paged<Thing>> }) {
  const list = usePagedList((paging) => queryOptions({ queryKey: ['paged-things', paging], queryFn: () => load(paging), placeholderData: keepPreviousData }), { key: 'name', dir: 'asc' });
  return <ListTable list={list} caption="Things" columns={columns} rowKey={(t) => t.id} rowLabel="things" />;
}

const cursorPage = (items: Thing[], nextCursor: string | null, total: number | null = 6): CursorPaged<Thing> => ({ items, total, limit: 2, nextCursor, page: null, pages: null });

/** A promise the test settles when it wants the "API" to answer. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('list table (cursor paging)', () => {
  it('another filter starts again at the first page, without the page resetting anything itself', async () => {
    const load = vi.fn(async (q: CursorParams & { color: Color }) => cursorPage(things(`${q.color || 'all'}-${q.cursor ?? 'first'}`), q.cursor ? null : 'c2'));
    const user = userEvent.setup();
    render(<CursorPage load={load} />, { wrapper: withRouterAndQueryClient() });
    expect(await screen.findByText('all-first thing 0')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('all-c2 thing 0')).toBeInTheDocument();
    expect(screen.getByText('3–4 of 6 things')).toBeInTheDocument();

    await user.click(within(screen.getByRole('group', { name: 'Color' })).getByRole('button', { name: 'Red' }));
    expect(await screen.findByText('red-first thing 0')).toBeInTheDocument();
    expect(load).toHaveBeenLastCalledWith({ color: 'red', sort: 'name', order: 'asc' });
    expect(screen.getByText('1–2 of 6 things')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();

    // Back to the first filter: its first page again, not the page it was left on.
    await user.click(within(screen.getByRole('group', { name: 'Color' })).getByRole('button', { name: 'All' }));
    expect(await screen.findByText('all-first thing 0')).toBeInTheDocument();
    expect(screen.getByText('1–2 of 6 things')).toBeInTheDocument();
  });

  it('keeps the page on screen, dimmed, while the next one loads; Next waits for it', async () => {
    const next = deferred<CursorPaged<Thing>>();
    const load = vi.fn((q: CursorParams) => (q.cursor ? next.promise : Promise.resolve(cursorPage(things('first'), 'c2'))));
    const user = userEvent.setup();
    render(<CursorPage load={load} />, { wrapper: withRouterAndQueryClient() });
    const table = await screen.findByRole('table', { name: 'Things' });
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(within(table).getByText('first thing 0')).toBeInTheDocument();
    expect(table.closest('.opacity-60')).not.toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
    // The answer on screen still holds the cursor just followed: another Next would ask for the same page.
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    next.resolve(cursorPage(things('second'), null));
    expect(await screen.findByText('second thing 0')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Things' }).closest('.opacity-60')).toBeNull();
  });

  it('sorts on the server by the columns the API sorts, starting again at the first page', async () => {
    const load = vi.fn(async (q: CursorParams) => cursorPage(things(`${q.order}-${q.cursor ?? 'first'}`), q.cursor ? null : 'c2'));
    const user = userEvent.setup();
    render(<CursorPage load={load} />, { wrapper: withRouterAndQueryClient() });
    await screen.findByText('asc-first thing 0');
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('asc-c2 thing 0');
    const name = screen.getByRole('columnheader', { name: /Name/ });
    expect(name).toHaveAttribute('aria-sort', 'ascending');
    await user.click(within(name).getByRole('button'));
    expect(await screen.findByText('desc-first thing 0')).toBeInTheDocument();
    // "All" is no filter for the API.
    expect(load).toHaveBeenLastCalledWith({ color: '', sort: 'name', order: 'desc' });
    expect(name).toHaveAttribute('aria-sort', 'descending');
    expect(within(screen.getByRole('columnheader', { name: /Id/ })).queryByRole('button')).toBeNull();
  });

  it('keeps the sort in the URL: read on load, written on a click; the list’s own order leaves it, an unknown field is ignored', async () => {
    const load = vi.fn(async (q: CursorParams) => cursorPage(things(`${q.sort}-${q.order}`), null));
    const user = userEvent.setup();
    function Where() {
      return <output aria-label="address">{useLocation().search}</output>;
    }
    const { unmount } = render(
      <>
        <CursorPage load={load} />
        <Where />
      </>,
      { wrapper: withRouterAndQueryClient('/things?sort=name&order=desc&color=x') },
    );
    expect(await screen.findByText('name-desc thing 0')).toBeInTheDocument();
    await user.click(within(screen.getByRole('columnheader', { name: /Name/ })).getByRole('button'));
    expect(await screen.findByText('name-asc thing 0')).toBeInTheDocument();
    expect(screen.getByLabelText('address').textContent).toBe('?color=x');
    await user.click(within(screen.getByRole('columnheader', { name: /Name/ })).getByRole('button'));
    expect(await screen.findByText('name-desc thing 0')).toBeInTheDocument();
    expect(screen.getByLabelText('address').textContent).toBe('?color=x&sort=name&order=desc');
    unmount();

    render(<CursorPage load={load} />, { wrapper: withRouterAndQueryClient('/things?sort=bogus') });
    expect(await screen.findByText('name-asc thing 0')).toBeInTheDocument();
    expect(load).toHaveBeenLastCalledWith({ color: '', sort: 'name', order: 'asc' });
  });

  it('shows a loading state until the first answer', async () => {
    const first = deferred<CursorPaged<Thing>>();
    render(<CursorPage load={() => first.promise} />, { wrapper: withRouterAndQueryClient() });
    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    expect(screen.queryByRole('table')).toBeNull();
    first.resolve(cursorPage(things('first'), null));
    expect(await screen.findByText('first thing 0')).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows the empty state of the page when there are no rows', async () => {
    render(<CursorPage load={async () => cursorPage([], null, 0)} />, { wrapper: withRouterAndQueryClient() });
    expect(await screen.findByText('No things here')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });
});

describe('list table (page numbers)', () => {
  it('asks for the page chosen, and for page 1 again after a new sort', async () => {
    const load = vi.fn(async (q: PageParams): Promise<Paged<Thing>> => ({ items: things(`p${q.page}-${q.order}`), total: 6, page: q.page, limit: 2, pages: 3 }));
    const user = userEvent.setup();
    render(<PagedPage load={load} />, { wrapper: withRouterAndQueryClient() });
    await screen.findByText('p1-asc thing 0');
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('p2-asc thing 0')).toBeInTheDocument();
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
    await user.click(within(screen.getByRole('columnheader', { name: /Name/ })).getByRole('button'));
    expect(await screen.findByText('p1-desc thing 0')).toBeInTheDocument();
    expect(load).toHaveBeenLastCalledWith({ page: 1, sort: 'name', order: 'desc' });
  });
});

describe('list table errors', () => {
  it('shows what the API said, and Try again asks again', async () => {
    let fail = true;
    const load = vi.fn(async () => {
      if (fail) throw new ApiError(409, 'conflict', 'The list is being rebuilt');
      return cursorPage(things('after'), null);
    });
    const user = userEvent.setup();
    render(<CursorPage load={load} />, { wrapper: withRouterAndQueryClient() });
    expect(await screen.findByRole('alert')).toHaveTextContent('The list is being rebuilt');
    // A 4xx is not retried on its own.
    expect(load).toHaveBeenCalledTimes(1);
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('after thing 0')).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
