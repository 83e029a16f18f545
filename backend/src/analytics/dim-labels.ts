import { BREAKDOWN_MEMBER_LIMIT, type BreakdownDimension } from '@offerly/contract';
import { addSums, emptySums, type MetricSums } from '../domain/metrics';
import { OTHER_KEY } from '../domain/report-dims';
import { UNKNOWN_COUNTRY } from '../domain/click-classify';

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What a breakdown row is called: a country's English name, a device type capitalized, `(none)` for no value, `(other)` for the rest. */
export function memberLabel(dim: BreakdownDimension, key: string): string {
  if (key === OTHER_KEY) return '(other)';
  if (key === '') return '(none)';
  if (dim === 'country') {
    if (key === UNKNOWN_COUNTRY) return 'Unknown';
    try {
      return regions.of(key) ?? key;
    } catch {
      return key;
    }
  }
  if (dim === 'device' || ((dim === 'os' || dim === 'browser') && key === 'unknown')) return capitalized(key);
  return key;
}

type Group = MetricSums & { currencies: Set<string> };

const byActivity = (a: MetricSums, b: MetricSums) => b.conversions - a.conversions || b.clicks - a.clicks;

/**
 * A dimension breakdown in the order it is shown: most conversions, then
 * clicks, then by key; beyond BREAKDOWN_MEMBER_LIMIT values the rest (and
 * what the rollup already summed as other) in one last OTHER_KEY row.
 */
export function limitedMembers(groups: Map<string, Group>): Array<[string, Group]> {
  const ranked = [...groups].filter(([k]) => k !== OTHER_KEY).sort(([ka, a], [kb, b]) => byActivity(a, b) || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const rest = ranked.slice(BREAKDOWN_MEMBER_LIMIT);
  const other = groups.get(OTHER_KEY);
  if (rest.length === 0 && !other) return ranked;
  const sum: Group = { ...emptySums(), currencies: new Set() };
  for (const [, g] of other ? [...rest, [OTHER_KEY, other] as const] : rest) {
    addSums(sum, g);
    for (const c of g.currencies) sum.currencies.add(c);
  }
  return [...ranked.slice(0, BREAKDOWN_MEMBER_LIMIT), [OTHER_KEY, sum]];
}
