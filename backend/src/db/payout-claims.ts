import type { Db } from 'mongodb';

/**
 * Which payout holds a conversion or a click earning: `_id` is the conversion
 * id, or `clicks|<click earning id>` (`clickClaimId` in domain/payout-plan), so
 * inserting a claim is atomic on every MongoDB-wire server (a duplicate _id
 * fails), unlike a conditional update, which FerretDB 1.24 does not apply
 * atomically under concurrency. `conversions.payoutId` and
 * `click_earnings.payoutId` mirror the claim for queries and the review API's
 * freeze check.
 */
export interface PayoutClaimDoc {
  _id: string; // conversion id, or clicks|<click earning id>
  payoutId: string;
  at: Date;
}

export const payoutClaims = (db: Db) => db.collection<PayoutClaimDoc>('payout_claims');
