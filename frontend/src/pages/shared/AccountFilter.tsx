import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { queries } from '../../api/queries';
import { inputClass } from '../../components/form/fields';

/** Accounts offered in the picker: the newest ones (one bounded page of the accounts list); any other is reached from a row. */
const PICKER_LIMIT = 100;

/**
 * An admin's filter by one advertiser or affiliate: a select of the newest
 * accounts of that role, plus the one chosen if it is not among them (chosen
 * from a row's name, or from a shared link), shown by `chosenName`.
 */
export function AccountFilter({ role, value, onChange, chosenName }: { role: 'advertiser' | 'affiliate'; value: string; onChange(id: string): void; chosenName?: string | null }) {
  const id = useId();
  const accounts = useQuery(queries.users.list({ role, limit: PICKER_LIMIT }));
  const options = (accounts.data?.items ?? []).map((u) => ({ id: u.id, name: u.name }));
  if (value && !options.some((o) => o.id === value)) options.unshift({ id: value, name: chosenName ?? value });
  const label = role === 'advertiser' ? 'Advertiser' : 'Affiliate';
  return (
    <div className="w-full sm:w-56">
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={inputClass(false, 'py-1.5')}>
        <option value="">All {role}s</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
