/**
 * Comparing two tallies of the same facts, key by key and field by field.
 * A key missing on one side counts as all zeros there.
 */
export interface Difference {
  kind: string;
  key: string;
  field: string;
  expected: number;
  actual: number;
}

export type Tally = Map<string, Record<string, number>>;

export function diffTallies(kind: string, expected: Tally, actual: Tally, fields: readonly string[]): Difference[] {
  const out: Difference[] = [];
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  for (const key of keys) {
    const e = expected.get(key);
    const a = actual.get(key);
    for (const field of fields) {
      const ev = e?.[field] ?? 0;
      const av = a?.[field] ?? 0;
      if (ev !== av) out.push({ kind, key, field, expected: ev, actual: av });
    }
  }
  return out;
}

/** Adds `values` into the tally under `key`. */
export function tallyAdd(t: Tally, key: string, values: Record<string, number>): void {
  let row = t.get(key);
  if (!row) t.set(key, (row = {}));
  for (const [f, v] of Object.entries(values)) row[f] = (row[f] ?? 0) + v;
}

/** A readable fixed-width table of differences for the command line. */
export function formatDifferences(diffs: Difference[]): string {
  if (diffs.length === 0) return 'no differences';
  const head = ['kind', 'key', 'field', 'expected', 'actual'];
  const rows = diffs.map((d) => [d.kind, d.key, d.field, String(d.expected), String(d.actual)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
