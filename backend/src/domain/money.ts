import { currencyDigits, MAX_BPS, MAX_AMOUNT_CENTS } from '@offerly/contract';

/**
 * Money arithmetic of the server. Amounts are integer minor units (cents) plus
 * an ISO 4217 code, percentages basis points (1 bp = 0.01 %); the currency
 * rules (codes, minor-unit digits, limits) are the contract's, shared with the
 * dashboard. Rounding happens here only.
 */

/** Integer division rounding half away from zero, the one rounding rule for money. */
export function divRound(numerator: number, denominator: number): number {
  const q = Math.floor(Math.abs(numerator) / denominator);
  const r = Math.abs(numerator) - q * denominator;
  const rounded = r * 2 >= denominator ? q + 1 : q;
  return numerator < 0 ? -rounded : rounded;
}

/** bps share of an amount in cents, e.g. applyBps(1999, 1250) = 250 (12.5 % of 19.99). */
export function applyBps(cents: number, bps: number): number {
  return divRound(cents * bps, MAX_BPS);
}

/**
 * Parses a decimal string sent by an advertiser ("19.99", "1,234.5" is refused)
 * into minor units of the currency. Extra decimals are rounded half up.
 */
export function parseDecimalAmount(input: string, currency: string): number | null {
  const m = /^\s*(\d{1,12})(?:\.(\d{1,6}))?\s*$/.exec(input);
  if (!m) return null;
  const digits = currencyDigits(currency);
  const whole = Number(m[1]);
  const frac = m[2] ?? '';
  const kept = frac.slice(0, digits).padEnd(digits, '0');
  let cents = whole * 10 ** digits + (kept ? Number(kept) : 0);
  const next = frac.charAt(digits);
  if (next !== '' && Number(next) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents) || cents > MAX_AMOUNT_CENTS) return null;
  return cents;
}

/** "19.99" for (1999, USD); used in CSV exports and outbound postback macros. */
export function formatDecimal(cents: number, currency: string): string {
  const digits = currencyDigits(currency);
  const neg = cents < 0;
  const abs = Math.abs(cents);
  if (digits === 0) return `${neg ? '-' : ''}${abs}`;
  const base = 10 ** digits;
  return `${neg ? '-' : ''}${Math.floor(abs / base)}.${String(abs % base).padStart(digits, '0')}`;
}
