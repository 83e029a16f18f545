import { formatNumber } from '../lib/format';
import { Button } from './Button';

export function Pagination({ page, pages, total, limit, onPage, label = 'rows' }: { page: number; pages: number; total: number; limit: number; onPage(p: number): void; label?: string }) {
  const first = total === 0 ? 0 : (page - 1) * limit + 1;
  const last = Math.min(total, page * limit);
  return (
    <nav className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-600" aria-label="Pagination">
      <p>
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)} {label}
      </p>
      <div className="flex items-center gap-2">
        <Button variant="secondary" size="sm" onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">
          ‹ Prev
        </Button>
        <span aria-current="page" className="tabular-nums">
          Page {page} of {Math.max(1, pages)}
        </span>
        <Button variant="secondary" size="sm" onClick={() => onPage(page + 1)} disabled={page >= pages} aria-label="Next page">
          Next ›
        </Button>
      </div>
    </nav>
  );
}
