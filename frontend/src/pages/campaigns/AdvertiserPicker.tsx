import { useQuery } from '@tanstack/react-query';
import { queries } from '../../api/queries';
import { SelectField } from '../../components/form/fields';

/**
 * The approved advertiser an admin creates a campaign for: the newest 100
 * approved advertisers (one bounded page of the users list), plus the one
 * named in the address (from a user row's "New campaign for …") even if it is
 * older.
 */
export function AdvertiserPicker({ value, onChange, error }: { value: string; onChange(id: string): void; error?: string | null }) {
  const list = useQuery(queries.users.list({ role: 'advertiser', status: 'approved', limit: 100 }));
  const items = list.data?.items ?? [];
  const options = [{ value: '', label: list.isPending ? 'Loading advertisers…' : 'Choose an advertiser' }, ...items.map((u) => ({ value: u.id, label: `${u.name}${u.company ? ` (${u.company})` : ''} — ${u.email}` }))];
  if (value && !items.some((u) => u.id === value)) options.push({ value, label: `Advertiser ${value}` });
  return (
    <SelectField
      label="Advertiser"
      hint="The campaign belongs to this advertiser; its history records that you created it on the advertiser’s behalf."
      value={value}
      onChange={onChange}
      options={options}
      error={error ?? null}
      required
    />
  );
}
