import type { AppContext } from '../context';
import { reportDayId, reportDays, reportMonthId, reportMonths, type MonthDaySlot, type ReportDayDoc, type ReportMonthDoc } from '../db/report-docs';
import { pickSums, type MetricSums } from '../domain/metrics';
import { decodeVec, fromVec, hourField, memberKey, memberScope, rowInScope, scopeKey, type Dim, type GranularRow, type MemberEntry, type ReportScope } from '../domain/report-scopes';
import { HOUR_MS } from '../domain/time-buckets';
import type { ReadPlan } from './read-plan';

/** A report row: scope-level (key '') for series and totals, or one breakdown member's. */
export interface ReportRow extends MetricSums {
  /** An hour start, or a UTC day start where a whole day is read at once (only when buckets hold whole UTC days). */
  hour: number;
  currency: string;
  key: string;
}

export interface ScopeRows {
  series: ReportRow[];
  /** Per breakdown dimension asked for, its members' rows. */
  breakdowns: Partial<Record<Dim, ReportRow[]>>;
}

function addBreakdown(out: ScopeRows, dim: Dim, rows: ReportRow[]): void {
  (out.breakdowns[dim] ??= []).push(...rows);
}

const row = (hour: number, currency: string, key: string, v: string): ReportRow => ({ hour, currency, key, ...fromVec(decodeVec(v)) });

/**
 * A report's reads of day and month documents, each by `_id` and each once:
 * a breakdown by country, device… reads the same documents as the series.
 */
export class ReportDocReader {
  private readonly days = new Map<string, Promise<ReportDayDoc | null>>();
  private readonly months = new Map<string, Promise<ReportMonthDoc | null>>();

  constructor(private readonly ctx: AppContext) {}

  day(scope: ReportScope, day: string): Promise<ReportDayDoc | null> {
    const id = reportDayId(scopeKey(scope), day);
    let p = this.days.get(id);
    if (!p) this.days.set(id, (p = reportDays(this.ctx.db).findOne({ _id: id })));
    return p;
  }

  month(scope: ReportScope, month: string): Promise<ReportMonthDoc | null> {
    const id = reportMonthId(scopeKey(scope), `${month}01`);
    let p = this.months.get(id);
    if (!p) this.months.set(id, (p = reportMonths(this.ctx.db).findOne({ _id: id })));
    return p;
  }
}

function hourRows(doc: ReportDayDoc | null, dayStartMs: number, hours: number[], key: string): ReportRow[] {
  const out: ReportRow[] = [];
  for (const [cur, d] of Object.entries(doc?.cur ?? {})) {
    for (const h of hours) {
      const v = d.h[hourField((h - dayStartMs) / HOUR_MS)];
      if (v) out.push(row(h, cur, key, v));
    }
  }
  return out;
}

function memberRows(entries: Record<string, { b: MemberEntry[] }>, dim: Dim, at: number): ReportRow[] {
  const out: ReportRow[] = [];
  for (const [cur, d] of Object.entries(entries)) for (const m of d.b) if (m.d === dim) out.push(row(at, cur, m.k, m.v));
  return out;
}

function monthRows(out: ScopeRows, doc: ReportMonthDoc | null, monthStart: number, dims: Dim[]): void {
  for (const [field, slot] of Object.entries(doc ?? {})) {
    if (!/^d\d\d$/.test(field) || !slot || typeof slot !== 'object') continue;
    const at = monthStart + (Number(field.slice(1)) - 1) * 24 * HOUR_MS;
    const cur = slot as Record<string, MonthDaySlot>;
    for (const [c, s] of Object.entries(cur)) out.series.push(row(at, c, '', s.t));
    for (const dim of dims) addBreakdown(out, dim, memberRows(cur, dim, at));
  }
}

/** Members of a partly read day: their clean hours from their own day documents. */
async function partialDayMembers(docs: ReportDocReader, scope: ReportScope, dim: Dim, doc: ReportDayDoc | null, d: ReadPlan['days'][number]): Promise<ReportRow[]> {
  const keys = new Set(memberRows(doc?.cur ?? {}, dim, d.start).map((r) => r.key));
  const found = await Promise.all([...keys].map(async (k) => ({ k, doc: await docs.day(memberScope(scope, dim, k), d.day) })));
  return found.flatMap(({ k, doc: m }) => hourRows(m, d.start, d.cleanHours, k));
}

/**
 * A scope's rows over a read plan: series rows (scope level) and, per
 * dimension in `dims`, breakdown rows per member. Every document is read by `_id`, in parallel:
 * one per day (or per whole month when `monthsForSeries`), plus, for days
 * read in part, one per member active that day. Hours the plan leaves to raw
 * events come from `raw` (granular rows of those hours).
 */
export async function readScope(docs: ReportDocReader, scope: ReportScope, plan: ReadPlan, raw: GranularRow[], o: { dims: Dim[]; monthsForSeries: boolean }): Promise<ScopeRows> {
  const months = o.monthsForSeries ? plan.months : [];
  const inMonth = new Set(months.flatMap((m) => m.days));
  const days = plan.days.filter((d) => !inMonth.has(d.day));
  const [monthDocs, dayDocs] = await Promise.all([
    Promise.all(months.map((m) => docs.month(scope, m.month))),
    Promise.all(days.map((d) => docs.day(scope, d.day))),
  ]);
  const out: ScopeRows = { series: [], breakdowns: {} };
  months.forEach((m, i) => monthRows(out, monthDocs[i] ?? null, plan.days.find((d) => d.day === m.days[0])?.start ?? 0, o.dims));
  const partial: Array<Promise<{ dim: Dim; rows: ReportRow[] }>> = [];
  days.forEach((d, i) => {
    const doc = dayDocs[i] ?? null;
    out.series.push(...hourRows(doc, d.start, d.cleanHours, ''));
    for (const dim of o.dims) {
      if (d.whole) addBreakdown(out, dim, memberRows(doc?.cur ?? {}, dim, d.start));
      else partial.push(partialDayMembers(docs, scope, dim, doc, d).then((rows) => ({ dim, rows })));
    }
  });
  for (const { dim, rows } of await Promise.all(partial)) addBreakdown(out, dim, rows);
  for (const r of raw) {
    if (!rowInScope(scope, r)) continue;
    const v = { ...pickSums(r), hour: r.hour, currency: r.currency };
    out.series.push({ ...v, key: '' });
    for (const dim of o.dims) addBreakdown(out, dim, [{ ...v, key: memberKey(dim, r) }]);
  }
  return out;
}
