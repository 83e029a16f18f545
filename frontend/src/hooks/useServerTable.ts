import { useCallback, useState } from 'react';
import type { Paged } from '../api/types';
import type { ServerPaging, ServerSort } from '../components/DataTable';

/**
 * Page and sort of a list the API pages and sorts: `query` goes into the
 * request (`page`, `sort`, `order`), `paging(data)` into DataTable's `server`.
 * A new sort starts again at page 1.
 */
export function useServerTable(defaultSort: ServerSort) {
  const [page, setPage] = useState(1);
  const [sort, setSortState] = useState<ServerSort>(defaultSort);
  const onSort = useCallback((s: ServerSort) => {
    setSortState(s);
    setPage(1);
  }, []);
  const query = { page, sort: sort.key, order: sort.dir };
  const paging = (d: Paged<unknown>): ServerPaging => ({ page: d.page, pages: d.pages, total: d.total, limit: d.limit, onPage: setPage, sort, onSort });
  return { page, setPage, sort, query, paging };
}
