import type { MonthDaySlot } from '../db/report-docs';
import { fromVec, decodeVec, addVec, type MetricVec } from '../domain/report-scopes';
import { decodeHours, type DimScope } from '../domain/report-dim-days';
import { dimMetricVec, type DimRow, type XDim } from '../domain/report-dims';
import { METRIC_FIELDS } from '@offerly/contract';
import { HOUR_MS } from '../domain/time-buckets';
import type { ReadPlan } from './read-plan';
import type { ReportDocReader, ReportRow } from './scope-reads';

const row = (hour: number, currency: string, key: string, v: MetricVec): ReportRow => ({ hour, currency, key, ...fromVec(v) });

function inScope(scope: DimScope, r: DimRow): boolean {
  if (scope.kind === 'c') return r.campaignId === scope.campaignId;
  if (scope.kind === 'a') return r.affiliateId === scope.affiliateId;
  return r.campaignId === scope.campaignId && r.affiliateId === scope.affiliateId;
}

/** A dimension's members of one month document: each day's totals (whole days only are read from months). */
function monthMembers(doc: Record<string, unknown> | null, dim: XDim, monthStart: number): ReportRow[] {
  const out: ReportRow[] = [];
  for (const [field, slot] of Object.entries(doc ?? {})) {
    if (!/^d\d\d$/.test(field) || !slot || typeof slot !== 'object') continue;
    const at = monthStart + (Number(field.slice(1)) - 1) * 24 * HOUR_MS;
    for (const [cur, s] of Object.entries(slot as Record<string, MonthDaySlot>)) for (const m of s.b) if (m.d === dim) out.push(row(at, cur, m.k, decodeVec(m.v)));
  }
  return out;
}

/**
 * A scope's breakdown by country, device, OS, browser or sub2–sub5 over a
 * read plan: whole clean months from the scope's month documents (whatever
 * the time zone: a breakdown sums the window, its buckets do not matter),
 * other clean days from its day documents (the members' hourly values where
 * a day is read in part), and hours left to raw events from `raw`. One
 * document per month or day, each read by `_id`, in parallel, through the
 * report's reader (the series has read most of them already).
 */
export async function readDimBreakdown(docs: ReportDocReader, scope: DimScope, plan: ReadPlan, raw: DimRow[], dim: XDim): Promise<ReportRow[]> {
  const inMonth = new Set(plan.months.flatMap((m) => m.days));
  const days = plan.days.filter((d) => !inMonth.has(d.day));
  const [monthDocs, dayDocs] = await Promise.all([
    Promise.all(plan.months.map((m) => docs.month(scope, m.month))),
    Promise.all(days.map((d) => docs.day(scope, d.day))),
  ]);
  const out: ReportRow[] = [];
  plan.months.forEach((m, i) => out.push(...monthMembers(monthDocs[i] as Record<string, unknown> | null, dim, plan.days.find((d) => d.day === m.days[0])?.start ?? 0)));
  days.forEach((d, i) => {
    for (const [cur, sd] of Object.entries(dayDocs[i]?.cur ?? {})) {
      for (const m of sd.b) {
        if (m.d !== dim) continue;
        if (d.whole) {
          out.push(row(d.start, cur, m.k, decodeVec(m.v)));
          continue;
        }
        const hours = decodeHours(m.h);
        const sum = METRIC_FIELDS.map(() => 0);
        for (const h of d.cleanHours) {
          const v = hours.get((h - d.start) / HOUR_MS);
          if (v) addVec(sum, v);
        }
        if (sum.some((n) => n !== 0)) out.push(row(d.start, cur, m.k, sum));
      }
    }
  });
  for (const r of raw) if (r.dim === dim && inScope(scope, r)) out.push(row(r.hour, r.currency, r.key, dimMetricVec(r.v)));
  return out;
}
