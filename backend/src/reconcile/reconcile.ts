import type { AppContext } from '../context';
import type { Difference } from '../domain/reconcile-diff';
import { dayStart, hourStart } from '../domain/time-buckets';
import { counterDifferences } from './campaign-counters';
import { clickEarningDifferences } from './checks/click-earnings';
import { conversionBucketDifferences } from './checks/conversion-buckets';
import { dueQueueDifferences } from './checks/due-queues';
import { hourRecordDifferences } from './checks/hour-records';
import { hourlyRowDifferences } from './checks/hourly-rows';
import { payoutClaimDifferences } from './checks/payout-claims';
import { payoutClickEarningDifferences } from './checks/payout-click-earnings';
import { payoutClickLineDifferences } from './checks/payout-click-lines';
import { payoutConversionDifferences } from './checks/payout-conversions';
import { payoutLineDifferences } from './checks/payout-lines';
import { payoutLinkDifferences } from './checks/payout-links';
import { reportDocDifferences } from './checks/report-docs';
import { listCounterDifferences, type ListCounterOptions } from './list-counters';
import { loadPayoutRecords, payoutsTouching, type PayoutRecords } from './payout-records';
import { clickEarningsInRange, settledClickDays } from './range-click-earnings';
import { recountRawEvents } from './raw-counts';
import { readRolledRows } from './rolled-rows';
import { counterDays, droppedDaysOf, fullyComparedDays, reconcileScope } from './scope';

export interface ReconcileReport {
  ok: boolean;
  from: string;
  to: string;
  /** `clickDays`: settled days whose click earnings were compared with the rollup. */
  checked: { hours: number; days: number; clickDays: number; counterDays: number; payouts: number };
  /** `staleDays` stays empty: there are no daily rows to go stale any more (kept so the report keeps its shape). */
  skipped: { dirtyHours: string[]; settlingHours: string[]; staleDays: string[]; droppedDays: string[] };
  differences: Difference[];
  /** Whether the dashboard lists' counters (all time) were compared with their rows. */
  listCounters: boolean;
}

export interface ReconcileOptions {
  fromMs: number;
  toMs: number;
  nowMs?: number;
  /**
   * Compare the dashboard lists' counters too (`list_counters`): they count
   * all time, from a scan of each listed collection. By default only when the
   * range reaches the current day (a look at the present); a look at past
   * days does not pay for scanning everything.
   */
  listCounters?: boolean;
  listCounterOptions?: ListCounterOptions;
}

/**
 * Recounts [from, to) from the raw events with its own aggregations (not the
 * rollup's code) and compares, row by row (hour × campaign × affiliate × sub1),
 * with `stats_hourly`; each whole compared day's report documents with the
 * rows they are built from, and each compared hour's conversions with its
 * bucket of ids; each settled day's click earnings with the CPC value rolled
 * up for it (day × campaign × affiliate); and each payout touching the range
 * with its lines, its claims, its conversions and its click earnings, in sums
 * and one by one (each line's conversion or click earning and claim point back
 * at its payout, each claimed one has a line, a clicks line carries its
 * earning's clicks and amount); and the cap and budget counters of past days
 * with the conversions and clicks they count; and (see
 * ReconcileOptions.listCounters) the dashboard lists' counters with the rows
 * they count.
 * Hours waiting to be re-rolled (dirty or just ended) are listed as skipped,
 * not counted as differences.
 * Each comparison is a check in checks/; the two counter checks live in
 * campaign-counters.ts and list-counters.ts, beside the repairs built on them.
 */
export async function reconcile(ctx: AppContext, opts: ReconcileOptions): Promise<ReconcileReport> {
  const nowMs = opts.nowMs ?? Date.now();
  const fromMs = hourStart(opts.fromMs);
  const from = new Date(fromMs).toISOString();
  const to = new Date(opts.toMs).toISOString();
  const scope = await reconcileScope(ctx, fromMs, opts.toMs, nowMs);
  const hours = [...scope.hours];
  const comparedDays = fullyComparedDays(scope);
  const listCounters = opts.listCounters ?? opts.toMs > dayStart(nowMs);

  const raw = await recountRawEvents(ctx, scope);
  const rolled = await readRolledRows(ctx, scope);
  const differences: Difference[] = [
    ...hourlyRowDifferences(raw.rows, rolled.rows, scope.dropped),
    ...(await hourRecordDifferences(ctx, hours, rolled.rows)),
    // Built from, or pointing at, what was just compared.
    ...(await reportDocDifferences(ctx, comparedDays)),
    ...(await conversionBucketDifferences(ctx, hours)),
    ...(await dueQueueDifferences(ctx, hours)),
  ];
  if (listCounters) differences.push(...(await listCounterDifferences(ctx, opts.listCounterOptions)));

  const earnings = await clickEarningsInRange(ctx, scope);
  const clickDays = await settledClickDays(ctx, comparedDays);
  differences.push(...clickEarningDifferences(clickDays, rolled.cpcByDay, earnings));
  const capDays = counterDays(scope);
  differences.push(...(await counterDifferences(ctx, capDays, raw.clickSpend)));
  const payouts = await payoutsTouching(ctx, scope, earnings);
  if (payouts.length) differences.push(...payoutDifferences(await loadPayoutRecords(ctx, payouts)));

  return {
    ok: differences.length === 0,
    from,
    to,
    checked: { hours: hours.length, days: comparedDays.length, clickDays: clickDays.size, counterDays: capDays.length, payouts: payouts.length },
    skipped: { dirtyHours: scope.dirtyHours, settlingHours: scope.settlingHours, staleDays: [], droppedDays: droppedDaysOf(scope) },
    differences,
    listCounters,
  };
}

/** The payout checks, in the order their differences are listed. */
const PAYOUT_CHECKS = [
  payoutLineDifferences,
  payoutConversionDifferences,
  payoutClickEarningDifferences,
  payoutClaimDifferences,
  payoutLinkDifferences,
  payoutClickLineDifferences,
];

const payoutDifferences = (records: PayoutRecords): Difference[] => PAYOUT_CHECKS.flatMap((check) => check(records));
