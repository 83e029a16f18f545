import type { PayoutModel } from '@offerly/contract';
import { applyBps } from './money';

// The models are part of the API's contract; the valuation below is the server's.
export { PAYOUT_MODELS, type PayoutModel } from '@offerly/contract';

/**
 * What the advertiser pays Offerly (revenue) and what Offerly pays the
 * affiliate (payout). Fixed models use cents, CPS uses basis points of the sale.
 */
export interface PayoutTerms {
  model: PayoutModel;
  revenueCents?: number | null;
  payoutCents?: number | null;
  revenueBps?: number | null;
  payoutBps?: number | null;
}

/** A campaign may pay one affiliate differently; only the payout side changes. */
export interface PayoutOverride {
  payoutCents?: number | null;
  payoutBps?: number | null;
}

export interface EventValue {
  revenueCents: number;
  payoutCents: number;
}

export type ConversionValueResult = ({ ok: true } & EventValue) | { ok: false; reason: 'amount_required' };

export const isFixedModel = (m: PayoutModel) => m !== 'CPS';

/** Value of one conversion. CPC campaigns pay per click, so their conversions are worth 0. */
export function conversionValue(terms: PayoutTerms, override: PayoutOverride | null | undefined, saleAmountCents: number | null): ConversionValueResult {
  switch (terms.model) {
    case 'CPA':
    case 'CPL':
      return {
        ok: true,
        revenueCents: terms.revenueCents ?? 0,
        payoutCents: override?.payoutCents ?? terms.payoutCents ?? 0,
      };
    case 'CPS': {
      if (saleAmountCents === null) return { ok: false, reason: 'amount_required' };
      return {
        ok: true,
        revenueCents: applyBps(saleAmountCents, terms.revenueBps ?? 0),
        payoutCents: applyBps(saleAmountCents, override?.payoutBps ?? terms.payoutBps ?? 0),
      };
    }
    case 'CPC':
      return { ok: true, revenueCents: 0, payoutCents: 0 };
  }
}

/** Value of one click: only unique, valid clicks on CPC campaigns earn anything. */
export function clickValue(terms: PayoutTerms, override: PayoutOverride | null | undefined, click: { unique: boolean; valid: boolean }): EventValue {
  if (terms.model !== 'CPC' || !click.unique || !click.valid) return { revenueCents: 0, payoutCents: 0 };
  return { revenueCents: terms.revenueCents ?? 0, payoutCents: override?.payoutCents ?? terms.payoutCents ?? 0 };
}
