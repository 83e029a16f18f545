import type { Db } from 'mongodb';
import { Schema, type Connection } from 'mongoose';
import type { ClickEarningValues } from '../../domain/payout-plan';

/**
 * What a CPC affiliate earned with one campaign on one UTC day, settled from
 * the hourly rollup once the day is past the hold period and rolled up clean.
 * Written once (insert-if-absent on the deterministic `_id`), never updated
 * but for `payoutId`, which mirrors its claim in `payout_claims` as
 * `conversions.payoutId` does.
 */
export interface ClickEarningDoc extends ClickEarningValues {
  payoutId: string | null;
  settledAt: Date;
}

/** A UTC day whose click earnings are settled (with none, if it had no CPC value). */
export interface ClickSettledDayDoc {
  _id: string; // YYYY-MM-DD
  settledAt: Date;
  earnings: number;
}

const schema = new Schema<ClickEarningDoc>(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    dayStart: { type: Date, required: true },
    campaignId: { type: String, required: true },
    affiliateId: { type: String, required: true },
    advertiserId: { type: String, required: true },
    currency: { type: String, required: true },
    clicks: { type: Number, required: true },
    payoutCents: { type: Number, required: true },
    revenueCents: { type: Number, required: true },
    payoutId: { type: String, default: null },
    settledAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'click_earnings' },
);
// Unclaimed earnings past a cutoff (payout runs), and a payout's earnings (release).
schema.index({ payoutId: 1, dayStart: 1 });
// Earnings of a range of days (reconciliation).
schema.index({ dayStart: 1 });

export const clickEarningModel = (conn: Connection) => conn.model<ClickEarningDoc>('ClickEarning', schema);

/** Native collections, for inserts that must report which documents existed already. */
export const clickEarnings = (db: Db) => db.collection<ClickEarningDoc>('click_earnings');
export const clickSettledDays = (db: Db) => db.collection<ClickSettledDayDoc>('click_settled_days');
