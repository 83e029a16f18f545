import { diffTallies, type Difference, type Tally } from '../../domain/reconcile-diff';
import { dayKey } from '../../domain/time-buckets';

/** Fields compared between raw events and `stats_hourly`, per stats row (hour × campaign × affiliate × sub1). */
const HOURLY_FIELDS = [
  'clicks',
  'uniqueClicks',
  'invalidClicks',
  'cpcRevenueCents',
  'cpcPayoutCents',
  'approvedConversions',
  'pendingConversions',
  'rejectedConversions',
  'approvedRevenueCents',
  'approvedPayoutCents',
  'revenueCents',
  'payoutCents',
] as const;
const CLICK_FIELDS = new Set(['clicks', 'uniqueClicks', 'invalidClicks', 'cpcRevenueCents', 'cpcPayoutCents']);

/** The raw recount against `stats_hourly`, row by row, on the compared hours. */
export function hourlyRowDifferences(raw: Tally, rolled: Tally, dropped: ReadonlySet<string>): Difference[] {
  return diffTallies('hourly', withDroppedClicks(raw, rolled, dropped), rolled, HOURLY_FIELDS);
}

/** Raw clicks of dropped days are gone: their click fields are trusted as rolled. */
function withDroppedClicks(raw: Tally, rolled: Tally, dropped: ReadonlySet<string>): Tally {
  const out: Tally = new Map(raw);
  for (const [key, row] of rolled) {
    if (!dropped.has(dayKey(Date.parse(key.slice(0, key.indexOf('|')))))) continue;
    const r = { ...raw.get(key) };
    for (const f of CLICK_FIELDS) r[f] = row[f] ?? 0;
    r.revenueCents = (r.revenueCents ?? 0) + (row.cpcRevenueCents ?? 0);
    r.payoutCents = (r.payoutCents ?? 0) + (row.cpcPayoutCents ?? 0);
    out.set(key, r);
  }
  return out;
}
