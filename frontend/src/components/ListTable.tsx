import type { ReactNode } from 'react';
import type { ServerList } from '../hooks/useServerList';
import { DataTable, type DataTableProps } from './DataTable';
import { Async } from './states';

type TableProps<T> = Omit<DataTableProps<T>, 'rows' | 'server' | 'cursor' | 'busy' | 'pageSize' | 'initialSort'>;

/**
 * A list the API pages and sorts (useCursorList / usePagedList), the way
 * every list page shows one: its filters in a bar above, then the loading,
 * error or empty state, or the table with its paging.
 */
export function ListTable<D, T>({ list, toolbar, ...table }: TableProps<T> & { list: ServerList<D, T>; toolbar?: ReactNode }) {
  return (
    <>
      {toolbar && <div className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-4 py-3">{toolbar}</div>}
      <Async state={list.query}>{(data) => <DataTable {...table} {...list.view(data)} />}</Async>
    </>
  );
}
