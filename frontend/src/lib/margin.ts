import type { PayoutModel } from '../api/types';
import { bpsToPercent, formatMoney, parseMoney, parsePercentToBps } from './money';

/** Shown wherever a payout above revenue can be typed: the API refuses it unless an admin allowed it (issue 12). */
export const NEGATIVE_MARGIN_WARNING = 'Affiliates would be paid more than the advertiser pays';

/** Revenue minus payout: both in minor units (CPA, CPL, CPC) or both in basis points (CPS). */
export interface Margin {
  unit: 'cents' | 'bps';
  margin: number;
  negative: boolean;
}

export const marginUnit = (model: PayoutModel): Margin['unit'] => (model === 'CPS' ? 'bps' : 'cents');

export function computeMargin(unit: Margin['unit'], revenue: number, payout: number): Margin {
  // Amounts are integers everywhere; a fraction here means a parsing bug upstream, not a rounding choice.
  if (!Number.isSafeInteger(revenue) || !Number.isSafeInteger(payout)) throw new RangeError('A margin needs integer cents or basis points');
  const margin = revenue - payout;
  return { unit, margin, negative: margin < 0 };
}

/** Parses one typed amount the way the form sends it: percent → basis points for CPS, decimal → cents otherwise. */
export function parseTerm(model: PayoutModel, currency: string, text: string): number | null {
  const parsed = model === 'CPS' ? parsePercentToBps(text) : parseMoney(text, currency);
  return parsed.ok ? parsed.value : null;
}

/** The margin of the terms as typed; null while either number is empty or not yet valid. */
export function marginFromInput(model: PayoutModel, currency: string, revenue: string, payout: string): Margin | null {
  const r = parseTerm(model, currency, revenue);
  const p = parseTerm(model, currency, payout);
  return r === null || p === null ? null : computeMargin(marginUnit(model), r, p);
}

type OverrideLike = { affiliateId: string; payoutCents: number | null; payoutBps: number | null };

/** Affiliates whose override would exceed this revenue; the API checks them on every campaign edit too. */
export function overridesAbove(overrides: readonly OverrideLike[], model: PayoutModel, revenue: number): string[] {
  const field = model === 'CPS' ? 'payoutBps' : 'payoutCents';
  return overrides.filter((o) => o[field] !== null && o[field] > revenue).map((o) => o.affiliateId);
}

/** "$3.50" in the campaign's currency, or "2.5 percentage points" for CPS (a difference of two shares). */
export function formatMargin(m: Margin, currency: string): string {
  if (m.unit === 'cents') return formatMoney(m.margin, currency);
  const abs = Math.abs(m.margin);
  return `${m.margin < 0 ? '-' : ''}${bpsToPercent(abs)} percentage point${abs === 100 ? '' : 's'}`;
}
