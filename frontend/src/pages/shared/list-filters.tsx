import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { queries } from '../../api/queries';
import type { Role } from '../../api/types';
import { Button } from '../../components/Button';
import { inputClass } from '../../components/form/fields';
import { useUrlParams } from '../../hooks/useUrlState';
import { addDays } from '../../lib/time';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[0-9a-f]{24}$/;
const labelClass = 'mb-1 block text-xs font-medium text-slate-600';

/** Campaigns offered in the picker: one bounded page, by name; another is reached from a link. */
const PICKER_LIMIT = 100;

/**
 * Filters a list keeps in the URL next to its status: ids (`campaign`,
 * `affiliate`, `advertiser`; anything but an id is ignored) and a day range
 * (`from`/`to`, UTC days, `to` included), with the API query they stand for.
 */
export function useListUrlFilters() {
  const [params, set] = useUrlParams();
  const id = (k: string) => (ID.test(params.get(k) ?? '') ? (params.get(k) as string) : '');
  const day = (k: string) => (DAY.test(params.get(k) ?? '') ? (params.get(k) as string) : '');
  const from = day('from');
  const to = day('to');
  return {
    id,
    from,
    to,
    /** The API's `from`/`to`: the list's `to` excludes its bound, the picker's "to" day is included. */
    range: { ...(from ? { from } : {}), ...(to ? { to: addDays(to, 1) } : {}) },
    set,
  };
}

/** Two date inputs for a list's day range (UTC), kept in the URL by the caller. */
export function DayRangeFilter({ from, to, onChange, what }: { from: string; to: string; onChange(changes: { from?: string; to?: string }): void; what: string }) {
  const id = useId();
  return (
    <div className="flex items-end gap-2">
      <div className="w-36">
        <label htmlFor={`${id}-from`} className={labelClass}>
          {what} from (UTC)
        </label>
        <input id={`${id}-from`} type="date" value={from} max={to || undefined} onChange={(e) => onChange({ from: e.target.value })} className={inputClass(false, 'py-1.5')} />
      </div>
      <div className="w-36">
        <label htmlFor={`${id}-to`} className={labelClass}>
          {what} to (UTC)
        </label>
        <input id={`${id}-to`} type="date" value={to} min={from || undefined} onChange={(e) => onChange({ to: e.target.value })} className={inputClass(false, 'py-1.5')} />
      </div>
    </div>
  );
}

interface Option {
  id: string;
  name: string;
}

function Select({ label, value, onChange, options, all, disabled, hint }: { label: string; value: string; onChange(v: string): void; options: Option[]; all: string; disabled?: boolean; hint?: string }) {
  const id = useId();
  return (
    <div className="w-full sm:w-52">
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <select id={id} value={value} disabled={disabled} title={hint} onChange={(e) => onChange(e.target.value)} className={inputClass(false, 'py-1.5')}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Puts the chosen id among the options (from a shared link, or older than the page offered), named as well as known. */
function withChosen(options: Option[], value: string, name: string | null | undefined, kind: string): Option[] {
  return value && !options.some((o) => o.id === value) ? [{ id: value, name: name ?? `${kind} ${value.slice(-6)}` }, ...options] : options;
}

/**
 * A list's campaign filter: an affiliate's campaigns are those it has links
 * to, an advertiser's its own, an admin's every one (of `advertiserId` when
 * one is chosen); one bounded page each, by name.
 */
export function CampaignFilter({ role, value, onChange, advertiserId, chosenName }: { role: Role; value: string; onChange(id: string): void; advertiserId?: string; chosenName?: string | null }) {
  const links = useQuery({ ...queries.links.list({ page: 1, limit: PICKER_LIMIT, sort: 'createdAt', order: 'desc' }), enabled: role === 'affiliate' });
  const campaigns = useQuery({
    ...queries.campaigns.list({ page: 1, limit: PICKER_LIMIT, sort: 'name', order: 'asc', ...(role === 'admin' && advertiserId ? { advertiserId } : {}) }),
    enabled: role !== 'affiliate',
  });
  const options: Option[] =
    role === 'affiliate'
      ? (links.data?.items ?? []).map((l) => ({ id: l.campaignId, name: l.campaignName ?? l.campaignId })).sort((a, b) => a.name.localeCompare(b.name))
      : (campaigns.data?.items ?? []).map((c) => ({ id: c.id, name: c.name }));
  return <Select label="Campaign" value={value} onChange={onChange} options={withChosen(options, value, chosenName, 'Campaign')} all="All campaigns" />;
}

/** An advertiser's affiliate filter: the affiliates with traffic on the chosen campaign (an advertiser may not list the platform's affiliates). */
export function CampaignAffiliateFilter({ campaignId, value, onChange, affiliates, loading }: { campaignId: string; value: string; onChange(id: string): void; affiliates: Array<{ key: string; label: string }>; loading: boolean }) {
  const options = affiliates.map((a) => ({ id: a.key, name: a.label }));
  const named = affiliates.find((a) => a.key === value)?.label;
  return (
    <Select
      label="Affiliate"
      value={value}
      onChange={onChange}
      options={withChosen(options, value, named, 'Affiliate')}
      all={campaignId ? (loading ? 'Loading affiliates…' : 'All affiliates') : 'All (choose a campaign)'}
      disabled={!campaignId && !value}
      hint={campaignId ? 'Affiliates with traffic on this campaign in the last 90 days' : 'Choose a campaign to pick one of its affiliates'}
    />
  );
}

/** Finds rows by an exact transaction id or click id (the API's `search`); submitted, not searched per keystroke. */
export function SearchBox({ value, onSearch, label = 'Txn id or click id' }: { value: string; onSearch: (v: string) => void; label?: string }) {
  return (
    <form
      role="search"
      className="flex items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(String(new FormData(e.currentTarget).get('q') ?? '').trim());
      }}
    >
      <label className="flex flex-col text-xs font-medium text-slate-700">
        {label}
        <input key={value} name="q" type="search" defaultValue={value} className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm" />
      </label>
      <Button size="sm" variant="secondary" type="submit">
        Find
      </Button>
    </form>
  );
}
