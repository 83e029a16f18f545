import { currencyDigits, METRIC_FIELDS, type MetricSums, type Metrics } from '@offerly/contract';
import { divRound } from './money';

// The counters and their order are the contract's (the dashboard shows the same fields); re-exported for the stores and the rollups.
export { METRIC_FIELDS, MONEY_FIELDS, type MetricSums, type Metrics } from '@offerly/contract';

export function emptySums(): MetricSums {
  return { clicks: 0, uniqueClicks: 0, invalidClicks: 0, conversions: 0, approvedConversions: 0, pendingConversions: 0, rejectedConversions: 0, revenueCents: 0, payoutCents: 0 };
}

/** Adds b into a (mutates and returns a). */
export function addSums<T extends MetricSums>(a: T, b: MetricSums): T {
  for (const f of METRIC_FIELDS) a[f] += b[f];
  return a;
}

export function pickSums(src: MetricSums): MetricSums {
  return addSums(emptySums(), src);
}

/** Money fields set to 0: used where rows in several currencies would otherwise be added up. */
export function withoutMoney<T extends MetricSums>(s: T): T {
  return { ...s, revenueCents: 0, payoutCents: 0 };
}

/** Conversion rate as a fraction with 4 decimals, by integer arithmetic. */
export function conversionRate(conversions: number, clicks: number): number {
  if (clicks <= 0) return 0;
  return divRound(conversions * 10_000, clicks) / 10_000;
}

/**
 * Earnings per click as a decimal string with 4 decimals in major units,
 * by integer (BigInt) arithmetic rounding half away from zero.
 */
export function earningsPerClick(payoutCents: number, clicks: number, currency: string | null): string {
  if (clicks <= 0 || currency === null) return '0.0000';
  const digits = currencyDigits(currency);
  // value in 1/10_000 major units = cents * 10^(4 - digits) / clicks
  let num = BigInt(payoutCents);
  let den = BigInt(clicks);
  if (digits <= 4) num *= 10n ** BigInt(4 - digits);
  else den *= 10n ** BigInt(digits - 4);
  const neg = num < 0n;
  const abs = neg ? -num : num;
  let q = abs / den;
  if ((abs % den) * 2n >= den) q += 1n;
  const s = q.toString().padStart(5, '0');
  return `${neg && q > 0n ? '-' : ''}${s.slice(0, -4)}.${s.slice(-4)}`;
}

/** The derived figures of a report row: profit, CR and EPC. `currency` null means mixed (money is 0). */
export function withRatios<T extends MetricSums>(s: T, currency: string | null): T & Pick<Metrics, 'profitCents' | 'cr' | 'epc'> {
  return {
    ...s,
    profitCents: s.revenueCents - s.payoutCents,
    cr: conversionRate(s.conversions, s.clicks),
    epc: earningsPerClick(s.payoutCents, s.clicks, currency),
  };
}
