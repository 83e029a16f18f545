import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queries } from '../../api/queries';
import { Button } from '../../components/Button';
import { SelectField, TextField } from '../../components/form/fields';
import { useDebounced } from '../../hooks/useDebounced';

/** Advertisers per request: each is one bounded page of the users list. */
const PAGE = 25;

/**
 * The approved advertiser an admin creates a campaign for, found by a search
 * (a prefix of the name, company or email, or an exact email — the users
 * list's search) with "More advertisers" for the next page, so any
 * advertiser can be picked however many there are. `initialSearch` (an email
 * from a user row's "New campaign for …") finds the preselected one.
 */
export function AdvertiserPicker({ value, onChange, error, initialSearch = '' }: { value: string; onChange(id: string): void; error?: string | null; initialSearch?: string }) {
  const [search, setSearch] = useState(initialSearch);
  const q = useDebounced(search.trim(), 300);
  const list = useInfiniteQuery(queries.users.search({ role: 'advertiser', status: 'approved', q: q || undefined, limit: PAGE }));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const options = [
    { value: '', label: list.isPending ? 'Loading advertisers…' : items.length ? `Choose an advertiser (${items.length}${list.hasNextPage ? '+' : ''} found)` : list.hasNextPage ? 'None found yet: look further with “More advertisers”' : 'No approved advertiser matches' },
    ...items.map((u) => ({ value: u.id, label: `${u.name}${u.company ? ` (${u.company})` : ''} — ${u.email}` })),
  ];
  if (value && !items.some((u) => u.id === value)) options.push({ value, label: `Advertiser ${value}` });
  return (
    <div className="space-y-3">
      <TextField
        label="Find an advertiser"
        hint="The start of a name, company or email, or a whole email address."
        value={search}
        onChange={setSearch}
        type="search"
        autoComplete="off"
        placeholder="All approved advertisers"
      />
      <SelectField
        label="Advertiser"
        hint="The campaign belongs to this advertiser; its history records that you created it on the advertiser’s behalf."
        value={value}
        onChange={onChange}
        options={options}
        error={error ?? null}
        required
      />
      {/* A search looks through a bounded number of accounts per request: a short page may still have more after it. */}
      {list.hasNextPage && (
        <Button variant="secondary" size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : 'More advertisers'}
        </Button>
      )}
    </div>
  );
}
