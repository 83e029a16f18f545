import { useState } from 'react';
import { Segmented } from '../components/Tabs';
import { useUrlParam } from './useUrlState';

function filterOf<V extends string>(label: string, choices: Record<V, string>, value: V, setValue: (v: V) => void) {
  const options = (Object.keys(choices) as V[]).map((id) => ({ id, label: choices[id] }));
  return {
    value,
    set: setValue,
    param: (value === 'all' ? '' : value) as Exclude<V, 'all'> | '',
    control: <Segmented label={label} value={value} onChange={setValue} options={options} />,
  };
}

/**
 * One filter of a list (a status, a role): its choice, the API parameter it
 * stands for, and its segmented control for the list's toolbar. `choices`
 * maps each value to its label, in the order shown; "all" is the API's
 * empty parameter. The list's paging starts over by itself when the choice
 * changes (useServerList), so the control needs no onChange of its own.
 */
export function useListFilter<V extends string>(label: string, choices: Record<V, string>, initial: NoInfer<V>) {
  const [value, setValue] = useState<V>(initial);
  return filterOf(label, choices, value, setValue);
}

/**
 * useListFilter whose choice lives in the URL's query parameter `key`
 * (useUrlParam): shareable and kept on reload. A value in the URL that is
 * not one of the choices counts as the initial one.
 */
export function useUrlListFilter<V extends string>(key: string, label: string, choices: Record<V, string>, initial: NoInfer<V>) {
  const [raw, setRaw] = useUrlParam(key, initial);
  const value = (Object.hasOwn(choices, raw) ? raw : initial) as V;
  return filterOf(label, choices, value, setRaw);
}
