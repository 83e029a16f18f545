import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * One query-string parameter as a list's state, so a filtered list can be
 * shared as a link and survives a reload. A value equal to the fallback (or
 * empty) leaves the URL, so the plain page keeps its plain address. History
 * is replaced, not pushed: "Back" leaves the list instead of undoing filters.
 */
export function useUrlParam(key: string, fallback = ''): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(key) ?? fallback;
  const set = useCallback(
    (next: string) =>
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          if (next === '' || next === fallback) out.delete(key);
          else out.set(key, next);
          return out;
        },
        { replace: true },
      ),
    [key, fallback, setParams],
  );
  return [value, set];
}

/**
 * Several query-string parameters set at once (one navigation, so none of
 * them is lost to another's update): `undefined` or '' removes a parameter.
 */
export function useUrlParams(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const [params, setParams] = useSearchParams();
  const set = useCallback(
    (changes: Record<string, string | undefined>) =>
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === undefined || v === '') out.delete(k);
            else out.set(k, v);
          }
          return out;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [params, set];
}
