import { hashKey, useQuery, type QueryKey, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useUrlParams } from './useUrlState';
import type { ApiError } from '../api/client';
import type { CursorPaged, Paged } from '../api/types';
import type { CursorPaging } from '../components/CursorPagination';
import type { ServerPaging, ServerSort, SortDir } from '../components/DataTable';

/** The API's `sort` and `order` query parameters. */
export interface SortParams {
  sort: string;
  order: SortDir;
}

export interface CursorParams extends SortParams {
  cursor?: string;
}

export interface PageParams extends SortParams {
  page: number;
}

/** What DataTable needs from one answer: its rows, its paging controls, and whether a newer answer is on its way. */
export interface ListView<T> {
  rows: T[];
  busy: boolean;
  cursor?: CursorPaging & Pick<ServerPaging, 'sort' | 'onSort'>;
  server?: ServerPaging;
}

/** A list the API pages and sorts: the query of the page on screen, and how to show an answer of it. */
export interface ServerList<D, T> {
  query: UseQueryResult<D>;
  /** The paging and sort parameters of the page on screen (a CSV link of the same list takes them too). */
  params: CursorParams | PageParams;
  view(data: D): ListView<T>;
}

type PageQuery<P, D, K extends QueryKey> = (params: P) => UseQueryOptions<D, ApiError, D, K>;

/** A list's own order, and the other `sort` fields its API takes (a URL naming any other keeps the list's own order). */
export interface ListSortSpec extends ServerSort {
  keys?: readonly string[];
}

const isDir = (v: string | null): v is SortDir => v === 'asc' || v === 'desc';

/**
 * The sort of a list, kept in the URL (`sort`, `order`) like its filters, so
 * a sorted list can be shared and survives a reload; the list's own order
 * leaves the URL.
 */
function useUrlSort(spec: ListSortSpec): [ServerSort, (s: ServerSort) => void] {
  const [params, set] = useUrlParams();
  const key = params.get('sort');
  const order = params.get('order');
  const named = key !== null && key !== spec.key && (spec.keys ?? []).includes(key);
  const sort: ServerSort = named ? { key, dir: isDir(order) ? order : 'asc' } : { key: spec.key, dir: isDir(order) ? order : spec.dir };
  const setSort = (s: ServerSort) => set(s.key === spec.key && s.dir === spec.dir ? { sort: undefined, order: undefined } : { sort: s.key, order: s.dir });
  return [sort, setSort];
}

/**
 * The sort of a list, and a position in it (page number, cursors followed)
 * that belongs to one list: when the first page's query key changes (another
 * filter, another sort), the position starts over, so no filter's onChange
 * has to remember to reset the paging.
 */
function useSortAndPosition<P>(firstPageKey: (sort: SortParams) => QueryKey, defaultSort: ListSortSpec, start: P) {
  const [sort, setSort] = useUrlSort(defaultSort);
  const sortParams: SortParams = { sort: sort.key, order: sort.dir };
  const list = hashKey(firstPageKey(sortParams));
  const [position, setPosition] = useState({ list, at: start });
  // Adjusting state while rendering (not in an effect) so the old position is never requested for the new list.
  if (position.list !== list) setPosition({ list, at: start });
  const at = position.list === list ? position.at : start;
  return { sort, setSort, sortParams, at, moveTo: (next: P) => setPosition({ list, at: next }) };
}

const FIRST_PAGE: string[] = [];

/**
 * A list the API pages with cursors, sorted as the URL says (useUrlSort;
 * `defaultSort.keys` names the API's other sort fields). The cursors followed so far are kept,
 * so "Previous" asks for the page before again (usually answered from the
 * cache). `pageOf` finds the paged rows in an answer that carries more
 * (a payout and a page of its lines).
 */
export function useCursorList<T, K extends QueryKey>(pageQuery: PageQuery<CursorParams, CursorPaged<T>, K>, defaultSort: ListSortSpec): ServerList<CursorPaged<T>, T>;
export function useCursorList<D, T, K extends QueryKey>(pageQuery: PageQuery<CursorParams, D, K>, defaultSort: ListSortSpec, pageOf: (data: D) => CursorPaged<T>): ServerList<D, T>;
export function useCursorList<D, T, K extends QueryKey>(pageQuery: PageQuery<CursorParams, D, K>, defaultSort: ListSortSpec, pageOf = (data: D) => data as unknown as CursorPaged<T>): ServerList<D, T> {
  const { sort, setSort, sortParams, at: cursors, moveTo } = useSortAndPosition((s) => pageQuery(s).queryKey, defaultSort, FIRST_PAGE);
  const cursor = cursors.at(-1);
  const params: CursorParams = { ...(cursor ? { cursor } : {}), ...sortParams };
  const query = useQuery(pageQuery(params));
  return {
    query,
    params,
    view: (data) => {
      const page = pageOf(data);
      return {
        rows: page.items,
        busy: query.isPlaceholderData,
        cursor: {
          index: cursors.length,
          count: page.items.length,
          limit: page.limit,
          total: page.total,
          // While the next page loads, the answer on screen holds the cursor just followed.
          hasNext: page.nextCursor !== null && !query.isPlaceholderData,
          onNext: () => {
            if (page.nextCursor) moveTo([...cursors, page.nextCursor]);
          },
          onPrevious: () => moveTo(cursors.slice(0, -1)),
          sort,
          onSort: setSort,
        },
      };
    },
  };
}

/** A list the API pages by page number. */
export function usePagedList<T, K extends QueryKey>(pageQuery: PageQuery<PageParams, Paged<T>, K>, defaultSort: ListSortSpec): ServerList<Paged<T>, T> {
  const { sort, setSort, sortParams, at: page, moveTo } = useSortAndPosition((s) => pageQuery({ page: 1, ...s }).queryKey, defaultSort, 1);
  const params: PageParams = { page, ...sortParams };
  const query = useQuery(pageQuery(params));
  return {
    query,
    params,
    view: (data) => ({
      rows: data.items,
      busy: query.isPlaceholderData,
      server: { page: data.page, pages: data.pages, total: data.total, limit: data.limit, onPage: moveTo, sort, onSort: setSort },
    }),
  };
}
