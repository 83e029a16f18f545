import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { formatDecimal } from '../domain/money';
import type { SeriesPoint } from './reports';

const COUNT_COLUMNS = ['clicks', 'uniqueClicks', 'invalidClicks', 'conversions', 'approvedConversions', 'pendingConversions', 'rejectedConversions', 'cr', 'epc'] as const;

/** A report's series as CSV: counts as integers, money as decimal strings in the report currency. */
export function seriesCsv(series: SeriesPoint[], currency: string | null): string {
  const money = (cents: number | null) => (cents === null || currency === null ? '' : formatDecimal(cents, currency));
  const rows = series.map((p) => [p.t, ...COUNT_COLUMNS.map((c) => String(p[c])), currency ?? '', money(p.revenueCents), money(p.payoutCents), money(p.profitCents)]);
  return stringify([['t', ...COUNT_COLUMNS, 'currency', 'revenue', 'payout', 'profit'], ...rows]);
}

export function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.send(body);
}
