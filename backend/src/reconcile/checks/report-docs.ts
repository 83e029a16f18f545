import type { AppContext } from '../../context';
import { monthDayField, reportDayId, reportDays, reportMonthId, reportMonths, type MonthDaySlot } from '../../db/report-docs';
import { decodeVec, buildScopeDays, dayTotal, encodeVec, type ScopeDay } from '../../domain/report-scopes';
import { METRIC_FIELDS } from '../../domain/metrics';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../../domain/reconcile-diff';
import { dayKeyToMs } from '../../domain/time-buckets';
import { dayDimRowsFromRecords, dayRowsFromRecords } from '../../rollups/report-days';
import { addDimMembers, decodeHours } from '../../domain/report-dim-days';

const metricsOf = (v: number[]) => Object.fromEntries(METRIC_FIELDS.map((f, i) => [f, v[i] ?? 0]));

function tallyScopeDay(t: Tally, key: string, cur: Record<string, ScopeDay | undefined>): void {
  for (const [c, d] of Object.entries(cur)) {
    if (!d) continue;
    for (const [slot, v] of Object.entries(d.h)) tallyAdd(t, `${key}|${c}|${slot}`, Object.fromEntries(METRIC_FIELDS.map((f, i) => [f, decodeVec(v)[i] ?? 0])));
    for (const m of d.b) {
      tallyAdd(t, `${key}|${c}|${m.d}:${m.k}`, metricsOf(decodeVec(m.v)));
      // Members of a breakdown dimension carry their hours too.
      for (const [slot, v] of decodeHours(m.h)) tallyAdd(t, `${key}|${c}|${m.d}:${m.k}|${slot}`, metricsOf(v));
    }
  }
}

function tallyMonthSlot(t: Tally, key: string, slot: Record<string, MonthDaySlot> | undefined): void {
  for (const [c, s] of Object.entries(slot ?? {})) {
    tallyAdd(t, `${key}|${c}|t`, metricsOf(decodeVec(s.t)));
    for (const m of s.b) tallyAdd(t, `${key}|${c}|${m.d}:${m.k}`, metricsOf(decodeVec(m.v)));
  }
}

/**
 * The report documents of whole compared days against the per-hour row
 * and dimension records they are built from: every scope's day document
 * (hourly slots and members) and its day's slot in the month document, and
 * with every member (by campaign, affiliate, sub1 and each breakdown dimension).
 */
export async function reportDocDifferences(ctx: AppContext, days: string[]): Promise<Difference[]> {
  const out: Difference[] = [];
  for (const day of days) {
    const scopes = buildScopeDays(dayKeyToMs(day), await dayRowsFromRecords(ctx, day));
    addDimMembers(scopes, dayKeyToMs(day), await dayDimRowsFromRecords(ctx, day));
    const keys = [...scopes.keys()];
    const [dayDocs, monthDocs] = await Promise.all([
      Promise.all(keys.map((k) => reportDays(ctx.db).findOne({ _id: reportDayId(k, day) }))),
      Promise.all(keys.map((k) => (k.startsWith('cs:') ? null : reportMonths(ctx.db).findOne({ _id: reportMonthId(k, day) })))),
    ]);
    const expected: Tally = new Map();
    const actual: Tally = new Map();
    keys.forEach((k, i) => {
      const cur = scopes.get(k)?.cur ?? {};
      tallyScopeDay(expected, `${day}|${k}`, cur);
      tallyScopeDay(actual, `${day}|${k}`, dayDocs[i]?.cur ?? {});
      if (k.startsWith('cs:')) return; // no month documents for campaign × sub1
      tallyMonthSlot(expected, `${day}|${k}`, Object.fromEntries(Object.entries(cur).map(([c, d]) => [c, { t: encodeVec(dayTotal(d)), b: d.b }])));
      tallyMonthSlot(actual, `${day}|${k}`, monthDocs[i]?.[monthDayField(day)]);
    });
    out.push(...diffTallies('report_docs', expected, actual, METRIC_FIELDS));
  }
  return out;
}
