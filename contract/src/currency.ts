/**
 * Currency rules the API and the dashboard share. Money is always an integer
 * number of a currency's minor units plus its ISO 4217 code; percentages are
 * basis points (1 bp = 0.01 %).
 */
export const MAX_AMOUNT_CENTS = 100_000_000_000; // 1 billion in major units
export const MAX_BPS = 10_000;

const digitsCache = new Map<string, number>();

/** Whether a code is an ISO 4217 currency this runtime knows (upper case only: `eur` is not one). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}

/**
 * Minor-unit digits of a currency: 2 for USD, 0 for JPY, 3 for KWD. A code
 * Intl refuses counts as 2, so a display never fails on a stored oddity.
 */
export function currencyDigits(code: string): number {
  let d = digitsCache.get(code);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(code, d);
  }
  return d;
}
