import { countsTowardCaps, statusFlags, type ConversionStatus } from './attribution';

/**
 * Fields a conversion carries for its status, precomputed so rollups can $sum
 * them: 0/1 flags and revenue/payout split into approved and pending.
 */
export function statusFields(status: ConversionStatus, revenueCents: number, payoutCents: number) {
  const f = statusFlags(status);
  return {
    ...f,
    revApprovedCents: f.approved ? revenueCents : 0,
    revPendingCents: f.pending ? revenueCents : 0,
    payApprovedCents: f.approved ? payoutCents : 0,
    payPendingCents: f.pending ? payoutCents : 0,
  };
}

/**
 * Change of the live counters when a conversion moves between statuses: live
 * totals count conversions that are not rejected, with their money.
 * `from` is null for a new conversion.
 */
export function liveConversionDelta(from: ConversionStatus | null, to: ConversionStatus, revenueCents: number, payoutCents: number) {
  const n = (s: ConversionStatus | null) => (s !== null && countsTowardCaps(s) ? 1 : 0);
  const d = n(to) - n(from);
  return { conversions: d, revenueCents: d * revenueCents, payoutCents: d * payoutCents };
}
