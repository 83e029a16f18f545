import { useId } from 'react';
import { inputClass } from '../../components/form/fields';
import { useUrlParam } from '../../hooks/useUrlState';

export interface GroupOption<T extends string> {
  id: T;
  /** The option's name, also the breakdown's first column header. */
  label: string;
}

/** The dimensions both the campaign and the affiliate report group by, besides their own (affiliate, sub1; campaign). */
export const DIMENSION_GROUPS = [
  { id: 'country', label: 'Country' },
  { id: 'device', label: 'Device' },
  { id: 'os', label: 'OS' },
  { id: 'browser', label: 'Browser' },
  { id: 'sub2', label: 'Sub2' },
  { id: 'sub3', label: 'Sub3' },
  { id: 'sub4', label: 'Sub4' },
  { id: 'sub5', label: 'Sub5' },
] as const satisfies ReadonlyArray<GroupOption<string>>;

/**
 * What a report's breakdown groups by, kept in the address (`groupBy`) like
 * the other filters, so a grouped report can be shared; a value the report
 * does not offer falls back to its first option.
 */
export function useGroupBy<T extends string>(options: ReadonlyArray<GroupOption<T>>): [T, (v: T) => void] {
  const fallback = options[0]?.id as T;
  const [raw, set] = useUrlParam('groupBy', fallback);
  const value = options.some((o) => o.id === raw) ? (raw as T) : fallback;
  return [value, set as (v: T) => void];
}

export function GroupBySelect<T extends string>({ value, options, onChange }: { value: T; options: ReadonlyArray<GroupOption<T>>; onChange(v: T): void }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        Group by
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} className={inputClass(false, 'mt-1 py-1.5 pr-8')}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** An option's name inside a sentence ("Breakdown by country", "by OS"). */
export const inSentence = (label: string): string => (label === 'OS' ? label : label.toLowerCase());

/** The key of the row summing the values beyond the breakdown's limit (see the API's `groupBy`). */
const OTHER_KEY = '\u001fother';

/**
 * A breakdown row's name: the API's label (a country's name, "Mobile"…),
 * a country's code beside its name, and "(none)" / "(other)" muted.
 */
export function BreakdownLabel({ groupBy, row }: { groupBy: string; row: { key: string; label: string } }) {
  if (row.key === '' || row.key === OTHER_KEY) return <span className="text-slate-500">{row.key === '' ? '(none)' : '(other)'}</span>;
  if (groupBy === 'country' && row.label !== row.key) {
    return (
      <span>
        {row.label} <span className="text-xs text-slate-500">{row.key}</span>
      </span>
    );
  }
  return <>{row.label}</>;
}
