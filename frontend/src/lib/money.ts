/**
 * Money is integer minor units plus an ISO 4217 code everywhere in Offerly.
 * The dashboard never turns amounts into floats: input is parsed digit by
 * digit and display goes through Intl with a decimal string.
 */
import { currencyDigits, MAX_AMOUNT_CENTS, MAX_BPS } from '@offerly/contract';

// Limits and minor-unit digits are the API's own (the contract package).
export { currencyDigits, MAX_AMOUNT_CENTS, MAX_BPS } from '@offerly/contract';

/** 1999 USD → "19.99"; -5 USD → "-0.05"; 1999 JPY → "1999". */
export function centsToDecimal(cents: number, currency: string): string {
  const digits = currencyDigits(currency);
  const neg = cents < 0;
  const abs = String(Math.abs(Math.trunc(cents)));
  if (digits === 0) return `${neg ? '-' : ''}${abs}`;
  const padded = abs.padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string | undefined, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    formatters.set(key, f);
  }
  return f;
}

/** "$19.99", "¥1,999", "€1,234.50" (locale decides symbol placement). */
export function formatMoney(cents: number, currency: string, locale?: string): string {
  const digits = currencyDigits(currency);
  try {
    return formatter(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
      centsToDecimal(cents, currency) as Intl.StringNumericLiteral,
    );
  } catch {
    return `${centsToDecimal(cents, currency)} ${currency}`;
  }
}

/** Short form for chart axes: "$1.2K". */
export function formatMoneyCompact(cents: number, currency: string, locale?: string): string {
  try {
    return formatter(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(
      centsToDecimal(cents, currency) as Intl.StringNumericLiteral,
    );
  } catch {
    return formatMoney(cents, currency, locale);
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** "10.50" → 1050 (USD), "1500" → 1500 (JPY). Refuses separators, signs and extra decimals. */
export function parseMoney(input: string, currency: string): Parsed<number> {
  const s = input.trim();
  if (s === '') return { ok: false, error: 'Enter an amount' };
  const digits = currencyDigits(currency);
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(s);
  if (!m) {
    return { ok: false, error: digits === 0 ? 'Enter a whole number such as 1500' : 'Enter an amount such as 10.50 (digits and one dot)' };
  }
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > digits) {
    return { ok: false, error: digits === 0 ? `${currency} has no decimals; enter a whole number` : `Use at most ${digits} decimals for ${currency}` };
  }
  const cents = Number(whole + frac.padEnd(digits, '0'));
  if (!Number.isSafeInteger(cents) || cents > MAX_AMOUNT_CENTS) return { ok: false, error: 'Amount is too large' };
  return { ok: true, value: cents };
}

/** "12.5" (percent) → 1250 basis points; at most two decimals, at most 100 %. */
export function parsePercentToBps(input: string): Parsed<number> {
  const s = input.trim().replace(/\s*%$/, '');
  if (s === '') return { ok: false, error: 'Enter a percentage' };
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return { ok: false, error: 'Enter a percentage such as 12.5 (at most 2 decimals)' };
  const bps = Number((m[1] ?? '0') + (m[2] ?? '').padEnd(2, '0'));
  if (bps > MAX_BPS) return { ok: false, error: 'Cannot exceed 100 %' };
  return { ok: true, value: bps };
}

/** 1250 → "12.5", 1200 → "12", 5 → "0.05". */
export function bpsToPercent(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const frac = String(bps % 100).padStart(2, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** 1250 → "12.5%". */
export function formatBps(bps: number, locale?: string): string {
  const abs = Math.abs(Math.trunc(bps));
  const fraction = `${bps < 0 ? '-' : ''}${Math.trunc(abs / MAX_BPS)}.${String(abs % MAX_BPS).padStart(4, '0')}`;
  return formatter(locale, { style: 'percent', maximumFractionDigits: 2 }).format(fraction as Intl.StringNumericLiteral);
}

/**
 * EPC comes as a decimal string in major units ("0.0350"). Always shown with
 * its 4 decimals ("$0.0350", "$0.4000"), so EPCs in one column or one card
 * line up and compare at a glance, whatever the currency.
 */
export function formatEpc(epc: string, currency: string, locale?: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(epc)) return '—';
  try {
    return formatter(locale, { style: 'currency', currency, minimumFractionDigits: 4, maximumFractionDigits: 4 }).format(epc as Intl.StringNumericLiteral);
  } catch {
    return `${epc} ${currency}`;
  }
}

export const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'BRL', 'MXN', 'INR', 'SGD', 'KWD'];
