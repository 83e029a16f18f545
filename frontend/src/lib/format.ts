const nf = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string | undefined, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(opts)}`;
  let f = nf.get(key);
  if (!f) nf.set(key, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}

export const formatNumber = (n: number, locale?: string) => numberFormat(locale, { maximumFractionDigits: 0 }).format(n);

/** "1 click", "2,310 clicks". */
export const formatCount = (n: number, one: string, many: string, locale?: string) => `${formatNumber(n, locale)} ${n === 1 ? one : many}`;

/** "1 day", "30 days". */
export const formatDays = (n: number, locale?: string) => formatCount(n, 'day', 'days', locale);

export const formatCompact = (n: number, locale?: string) => numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);

/** Conversion rate is a fraction (0.0350) → "3.50%". */
export const formatRate = (fraction: number, locale?: string) =>
  numberFormat(locale, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(fraction);

export function formatDateTime(iso: string | null | undefined, timeZone?: string, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(d);
}

export function formatDate(iso: string | null | undefined, timeZone?: string, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(timeZone ? { timeZone } : {}) }).format(d);
}

/** Chart tick for a bucket start: "14:00" for hours, "Nov 25" for days, in the report's time zone. */
export function formatBucket(iso: string, granularity: 'hour' | 'day' | 'minute', timeZone?: string, locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions =
    granularity === 'day' ? { month: 'short', day: 'numeric' } : granularity === 'hour' ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat(locale, { ...opts, ...(timeZone ? { timeZone } : {}) }).format(d);
}

export function humanize(s: string | null | undefined): string {
  if (!s) return '—';
  const t = s.replace(/[_-]/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
