import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { queries } from '../../api/queries';
import { inputClass } from '../../components/form/fields';
import { useDebounced } from '../../hooks/useDebounced';

/** Accounts per request: each is one bounded page of the users list (its search looks through a bounded number of accounts). */
const PAGE = 25;

/**
 * An admin's filter by one advertiser or affiliate: a select of the accounts
 * of that role a search finds (a prefix of the name, company or email, or a
 * whole email; empty: the newest), with "More" for the next page, so any
 * account can be picked however many there are; plus the one chosen if the
 * search did not bring it (chosen from a row or a shared link), shown by
 * `chosenName`.
 */
export function AccountFilter({ role, value, onChange, chosenName }: { role: 'advertiser' | 'affiliate'; value: string; onChange(id: string): void; chosenName?: string | null }) {
  const id = useId();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const accounts = useInfiniteQuery(queries.users.search({ role, q: q || undefined, limit: PAGE }));
  const found = accounts.data?.pages.flatMap((p) => p.items) ?? [];
  const options = found.map((u) => ({ id: u.id, name: u.name }));
  if (value && !options.some((o) => o.id === value)) options.unshift({ id: value, name: chosenName ?? value });
  const label = role === 'advertiser' ? 'Advertiser' : 'Affiliate';
  return (
    <div className="w-full sm:w-56">
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input
        type="search"
        aria-label={`Find an ${role}`}
        placeholder="Find by name or email"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        autoComplete="off"
        className={inputClass(false, 'mb-1 py-1 text-xs')}
      />
      <div className="flex gap-1">
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={inputClass(false, 'py-1.5')}>
          <option value="">{q ? `All ${role}s (${found.length}${accounts.hasNextPage ? '+' : ''} found)` : `All ${role}s`}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        {/* A short page may still have more after it: the search reads a bounded number of accounts per request. */}
        {accounts.hasNextPage && (
          <button
            type="button"
            className="shrink-0 rounded-md border border-slate-300 px-2 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-50"
            onClick={() => void accounts.fetchNextPage()}
            disabled={accounts.isFetchingNextPage}
            aria-label={`More ${role}s`}
          >
            More
          </button>
        )}
      </div>
    </div>
  );
}
