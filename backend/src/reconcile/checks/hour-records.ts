import type { AppContext } from '../../context';
import { STAT_VALUE_FIELDS } from '../../db/models/stats';
import { hourRowRecords } from '../../db/rollup-state';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { hourKey } from '../../domain/time-buckets';
import { rowFromSignature } from '../../rollups/row-signature';
import { rowKey } from '../stat-keys';

/** Records read in parallel at a time: a day's worth, so a long range does not open one read per hour at once. */
const BATCH = 24;

/**
 * The per-hour row records (what the rollup compares against, and analytics
 * may read) of the compared `hours` against the `stats_hourly` rows.
 */
export async function hourRecordDifferences(ctx: AppContext, hours: number[], rolled: Tally): Promise<Difference[]> {
  const parts: Tally = new Map();
  for (let i = 0; i < hours.length; i += BATCH) {
    const docs = await Promise.all(hours.slice(i, i + BATCH).map((h) => hourRowRecords(ctx.db).findOne({ _id: hourKey(h) })));
    for (const d of docs) {
      (d?.ids ?? []).forEach((id, k) => {
        const r = rowFromSignature(id, d?.sigs?.[k] ?? '');
        tallyAdd(parts, rowKey(r.hour, r), Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, r[f]])));
      });
    }
  }
  return diffTallies('hourly_parts', rolled, parts, STAT_VALUE_FIELDS);
}
