/**
 * Payout runs: which approved conversions become payouts now and which wait.
 * Pure rules; the payout run applies them to the database.
 */
export const DAY_MS = 86_400_000;

/** Conversions converted at or before this instant are past the hold period. */
export function payoutCutoff(nowMs: number, holdDays: number): Date {
  return new Date(nowMs - holdDays * DAY_MS);
}

export interface EligibleGroup {
  affiliateId: string;
  currency: string;
  amountCents: number;
  count: number;
}

export interface PayoutPlan {
  build: EligibleGroup[];
  /** Groups whose total is below the minimum: left unclaimed for a later run. */
  carryOver: EligibleGroup[];
}

/** Splits affiliate × currency groups by the minimum payout; stable order (affiliate, currency). */
export function planPayouts(groups: EligibleGroup[], minCents: number): PayoutPlan {
  const sorted = [...groups].sort((a, b) => a.affiliateId.localeCompare(b.affiliateId) || a.currency.localeCompare(b.currency));
  const build: EligibleGroup[] = [];
  const carryOver: EligibleGroup[] = [];
  for (const g of sorted) {
    if (g.count > 0 && g.amountCents > 0 && g.amountCents >= minCents) build.push(g);
    else carryOver.push(g);
  }
  return { build, carryOver };
}

export const PAYOUT_TRANSITIONS = {
  approve: { from: ['pending_approval'], to: 'approved' },
  reject: { from: ['pending_approval', 'approved'], to: 'rejected' },
  markPaid: { from: ['approved'], to: 'paid' },
} as const;

export type PayoutAction = keyof typeof PAYOUT_TRANSITIONS;

export function canTransitionPayout(action: PayoutAction, from: string): boolean {
  return (PAYOUT_TRANSITIONS[action].from as readonly string[]).includes(from);
}
