import { useCallback, useState } from 'react';
import type { CursorPaged } from '../api/types';
import type { CursorPaging } from '../components/CursorPagination';
import type { ServerSort } from '../components/DataTable';

/**
 * Cursor and sort of a list the API pages with cursors: `query` goes into the
 * request (`cursor`, `sort`, `order`), `paging(data)` into DataTable's
 * `cursor`. The cursors of the pages seen so far are kept, so "Previous"
 * asks for the page before again; a new sort or filter (`reset`) starts over.
 */
export function useCursorTable(defaultSort: ServerSort) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [sort, setSortState] = useState<ServerSort>(defaultSort);
  const reset = useCallback(() => setCursors([null]), []);
  const onSort = useCallback((s: ServerSort) => {
    setSortState(s);
    setCursors([null]);
  }, []);
  const index = cursors.length - 1;
  const cursor = cursors[index] ?? null;
  const query = { ...(cursor ? { cursor } : {}), sort: sort.key, order: sort.dir };
  const paging = (d: CursorPaged<unknown>): CursorPaging & { sort: ServerSort; onSort(s: ServerSort): void } => ({
    index,
    count: d.items.length,
    limit: d.limit,
    total: d.total,
    hasNext: d.nextCursor !== null,
    onNext: () => {
      if (d.nextCursor) setCursors((c) => [...c, d.nextCursor]);
    },
    onPrevious: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    sort,
    onSort,
  });
  return { cursor, sort, query, paging, reset };
}
