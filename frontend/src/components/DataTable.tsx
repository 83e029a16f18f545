import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { PHONE, useMediaQuery } from '../hooks/useMediaQuery';
import { CursorPagination, type CursorPaging } from './CursorPagination';
import { Button } from './Button';
import { EmptyState } from './states';
import { Pagination } from './Pagination';

export interface Column<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Makes the column sortable on the client (tables without server paging). */
  sortValue?: (row: T) => string | number | boolean | null | undefined;
  /** The API's `sort` field for this column: with server paging only these columns sort, on the server. */
  sortKey?: string;
  align?: 'left' | 'right';
  /** Hidden below the `sm` breakpoint to keep phone tables readable. */
  hideOnMobile?: boolean;
  /** Long text (names) wraps onto more lines instead of widening the table past a phone's screen. */
  wrap?: boolean;
  className?: string;
}

/** A right-aligned column of the row's buttons or links; its header is for screen readers only. */
export function actionsColumn<T>(cell: (row: T) => ReactNode, label = 'Actions'): Column<T> {
  return { id: 'actions', header: <span className="sr-only">{label}</span>, align: 'right', cell: (row) => <span className="flex justify-end gap-1.5">{cell(row)}</span> };
}

export type SortDir = 'asc' | 'desc';

/** A sort the API applies before paging (`sort` / `order` query parameters). */
export interface ServerSort {
  key: string;
  dir: SortDir;
}

export interface ServerPaging {
  page: number;
  pages: number;
  total: number;
  limit: number;
  onPage(page: number): void;
  /** The order the rows came in; columns with this `sortKey` show it. */
  sort?: ServerSort | null;
  /** Asks the server for another order (columns with a `sortKey`). */
  onSort?(sort: ServerSort): void;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  caption: string;
  /** Client-side paging size (ignored with `server`). */
  pageSize?: number;
  /** The API pages (and sorts) the rows: its page controls; only columns with a `sortKey` sort, on the server. */
  server?: ServerPaging;
  /** The API pages the rows with cursors (and sorts them): previous/next controls; sorting as with `server`. */
  cursor?: CursorPaging & Pick<ServerPaging, 'sort' | 'onSort'>;
  initialSort?: { id: string; dir: SortDir };
  empty?: ReactNode;
  busy?: boolean;
  rowLabel?: string;
  /** At phone width, each row as a card instead of a table row (for lists whose every column matters there). */
  card?: (row: T) => ReactNode;
}

/**
 * Whether a scroll container has more to its right: the table then shows a
 * fading edge and a hint, so a column past the screen's edge is not missed.
 */
function useMoreToTheRight() {
  const [el, ref] = useState<HTMLDivElement | null>(null);
  const [more, setMore] = useState(false);
  const measure = useCallback(() => setMore(el !== null && el.scrollWidth - el.clientWidth - el.scrollLeft > 1), [el]);
  useEffect(() => {
    if (!el) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [el, measure]);
  return { ref, more, onScroll: measure };
}

export function compareValues(a: unknown, b: unknown): number {
  const an = a === null || a === undefined || a === '';
  const bn = b === null || b === undefined || b === '';
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export function sortRows<T>(rows: T[], value: (row: T) => unknown, dir: SortDir): T[] {
  const indexed = rows.map((row, i) => ({ row, i, v: value(row) }));
  indexed.sort((x, y) => {
    const empties = (x.v === null || x.v === undefined || x.v === '') !== (y.v === null || y.v === undefined || y.v === '');
    const c = compareValues(x.v, y.v);
    // Empty values stay last in both directions; ties keep their original order.
    return (empties ? c : dir === 'asc' ? c : -c) || x.i - y.i;
  });
  return indexed.map((x) => x.row);
}

export function DataTable<T>({ columns, rows, rowKey, caption, pageSize = 25, server: paged, cursor, initialSort, empty, busy, rowLabel = 'rows', card }: DataTableProps<T>) {
  // Sorting works the same for both kinds of server paging: only by the API's sortable columns.
  const server = paged ?? (cursor ? { sort: cursor.sort, onSort: cursor.onSort, total: cursor.index > 0 || cursor.hasNext ? 1 : 0 } : undefined);
  const [sort, setSort] = useState<{ id: string; dir: SortDir } | null>(initialSort ?? null);
  const [clientPage, setClientPage] = useState(1);
  const phone = useMediaQuery(PHONE);
  const scroll = useMoreToTheRight();

  const serverPaged = server !== undefined;
  const sorted = useMemo(() => {
    // Sorting one page of a server-paged list would misorder the whole list: the server sorts.
    if (serverPaged || !sort) return rows;
    const col = columns.find((c) => c.id === sort.id);
    return col?.sortValue ? sortRows(rows, col.sortValue, sort.dir) : rows;
  }, [rows, sort, columns, serverPaged]);

  const clientPages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const page = Math.min(clientPage, clientPages);
  const visible = server ? sorted : sorted.slice((page - 1) * pageSize, page * pageSize);

  const sortable = (c: Column<T>) => (server ? Boolean(c.sortKey && server.onSort) : Boolean(c.sortValue));
  const serverSort = server?.sort ?? null;
  const active = server ? (serverSort ? { id: columns.find((c) => c.sortKey === serverSort.key)?.id, dir: serverSort.dir } : null) : sort;

  const toggle = (c: Column<T>) => {
    if (server) {
      if (!c.sortKey || !server.onSort) return;
      server.onSort({ key: c.sortKey, dir: serverSort?.key === c.sortKey && serverSort.dir === 'asc' ? 'desc' : 'asc' });
      return;
    }
    setSort((s) => (s?.id === c.id ? { id: c.id, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { id: c.id, dir: 'asc' }));
    setClientPage(1);
  };

  const hide = (c: Column<T>) => (c.hideOnMobile ? 'hidden sm:table-cell' : '');
  const align = (c: Column<T>) => (c.align === 'right' ? 'text-right' : 'text-left');

  if (rows.length === 0 && !server?.total) return <>{empty ?? <EmptyState title={`No ${rowLabel} yet`} />}</>;

  const sortButtons = columns.filter(sortable).map((c) => (
    <Button key={c.id} size="sm" variant="secondary" onClick={() => toggle(c)} aria-label={`Sort by ${typeof c.header === 'string' ? c.header : c.id}`}>
      {c.header} <span aria-hidden="true">{active?.id === c.id ? (active.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
    </Button>
  ));

  return (
    <div className={busy ? 'opacity-60 transition-opacity' : ''}>
      {card && phone ? (
        <>
          {sortButtons.length > 0 && <div className="flex items-center gap-2 px-3 pt-3 text-xs text-slate-600">Sort {sortButtons}</div>}
          <ul aria-label={caption} className="divide-y divide-slate-100">
            {visible.map((row) => (
              <li key={rowKey(row)} className="px-3 py-3 text-sm text-slate-800">
                {card(row)}
              </li>
            ))}
          </ul>
        </>
      ) : (
      <div className="relative">
      <div ref={scroll.ref} onScroll={scroll.onScroll} className="relative overflow-x-auto" {...(scroll.more ? { tabIndex: 0, role: 'region', 'aria-label': `${caption} (scrolls sideways)` } : {})}>
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50">
            <tr>
              {columns.map((c) => {
                const isActive = active?.id === c.id;
                return (
                  <th
                    key={c.id}
                    scope="col"
                    aria-sort={isActive && active ? (active.dir === 'asc' ? 'ascending' : 'descending') : sortable(c) ? 'none' : undefined}
                    className={`px-3 py-2.5 text-xs font-semibold tracking-wide sm:px-4 text-slate-600 uppercase ${align(c)} ${hide(c)}`}
                  >
                    {sortable(c) ? (
                      <button
                        type="button"
                        onClick={() => toggle(c)}
                        className={`inline-flex items-center gap-1 rounded uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600 ${c.align === 'right' ? 'flex-row-reverse' : ''}`}
                      >
                        {c.header}
                        <span aria-hidden="true" className={isActive ? 'text-indigo-600' : 'text-slate-500'}>
                          {isActive && active ? (active.dir === 'asc' ? '▲' : '▼') : '↕'}
                        </span>
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {visible.map((row) => (
              <tr key={rowKey(row)} className="hover:bg-slate-50/70">
                {columns.map((c) => (
                  <td key={c.id} className={`px-3 py-3 align-middle sm:px-4 text-slate-800 ${c.wrap ? 'min-w-[8rem] break-words whitespace-normal' : 'whitespace-nowrap'} ${align(c)} ${hide(c)} ${c.className ?? ''}`}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {scroll.more && (
        <>
          <div aria-hidden="true" className="pointer-events-none absolute inset-y-0 right-0 w-8 bg-gradient-to-l from-white to-transparent" />
          <p className="border-t border-slate-100 px-3 py-1.5 text-right text-xs text-slate-600" data-scroll-hint>
            More columns to the right — scroll sideways <span aria-hidden="true">→</span>
          </p>
        </>
      )}
      </div>
      )}
      {cursor ? (
        cursor.index > 0 || cursor.hasNext ? <CursorPagination {...cursor} label={rowLabel} /> : null
      ) : paged ? (
        paged.pages > 1 || paged.page > 1 ? <Pagination {...paged} label={rowLabel} /> : null
      ) : sorted.length > pageSize ? (
        <Pagination page={page} pages={clientPages} total={sorted.length} limit={pageSize} onPage={setClientPage} label={rowLabel} />
      ) : null}
    </div>
  );
}
