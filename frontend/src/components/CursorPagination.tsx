import { formatNumber } from '../lib/format';
import { Button } from './Button';

/**
 * Paging of a list the API pages with cursors (keyset pagination): only the
 * next page's cursor is known, so there are no page numbers to jump to;
 * "Previous" goes back through the cursors already seen. `total` is null when
 * the API cannot count the filtered rows (a date range, say).
 */
export interface CursorPaging {
  /** 0 for the first page. */
  index: number;
  /** Rows on this page. */
  count: number;
  limit: number;
  total: number | null;
  hasNext: boolean;
  onNext(): void;
  onPrevious(): void;
}

export function CursorPagination({ index, count, limit, total, hasNext, onNext, onPrevious, label = 'rows' }: CursorPaging & { label?: string }) {
  const first = count === 0 ? 0 : index * limit + 1;
  const last = index * limit + count;
  return (
    <nav className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-600" aria-label="Pagination">
      <p>
        {formatNumber(first)}–{formatNumber(last)}
        {total !== null ? ` of ${formatNumber(total)}` : ''} {label}
      </p>
      <div className="flex items-center gap-2">
        <Button variant="secondary" size="sm" onClick={onPrevious} disabled={index === 0} aria-label="Previous page">
          ‹ Prev
        </Button>
        <Button variant="secondary" size="sm" onClick={onNext} disabled={!hasNext} aria-label="Next page">
          Next ›
        </Button>
      </div>
    </nav>
  );
}
