import { Schema, type Connection } from 'mongoose';
import { CONVERSION_STATUSES, type AdminDecision, type ConversionStatus } from '../../domain/attribution';

export interface ConversionChange {
  at: Date;
  by: string | null;
  from: string | null;
  to: string;
  reason: string | null;
  note: string;
  /** The reviewer chose to show the note to the affiliate (absent on older changes: not shared). */
  noteShared?: boolean;
}

/**
 * An attributed conversion. Numeric fields are precomputed per status so the
 * rollups can $sum them (no $cond on the MongoDB-wire servers we support).
 * _id is the id of the postback that created it.
 */
export interface ConversionDoc {
  _id: string;
  clickId: string;
  linkId: string;
  campaignId: string;
  affiliateId: string;
  advertiserId: string;
  txnId: string;
  /** Unique: clickId when the campaign allows one conversion per click, else clickId|txnId. */
  clickKey: string;
  /** `processing` only while the worker is between its steps. */
  status: ConversionStatus | 'processing';
  reason: string | null;
  suspectedFraud: boolean;
  approved: 0 | 1;
  pending: 0 | 1;
  rejected: 0 | 1;
  currency: string;
  saleAmountCents: number | null;
  revenueCents: number;
  payoutCents: number;
  revApprovedCents: number;
  revPendingCents: number;
  payApprovedCents: number;
  payPendingCents: number;
  /** Whether this conversion currently holds a place under the campaign caps (released on rejection). */
  capHeld: boolean;
  /** UTC day key of the cap counter this conversion was counted in. */
  capDay: string | null;
  clickedAt: Date;
  convertedAt: Date;
  hour: Date;
  approvedAt: Date | null;
  sub1: string | null;
  sub2: string | null;
  sub3: string | null;
  sub4: string | null;
  sub5: string | null;
  /** The click's country (ISO-2, `ZZ` unknown), device type, OS and browser; absent on conversions stored before clicks were classified. */
  country?: string;
  device?: string;
  os?: string;
  browser?: string;
  payoutId: string | null;
  history: ConversionChange[];
  /** The last admin review; while set, only admins may change the status (absent on conversions no admin reviewed). */
  adminDecision?: AdminDecision | null;
  /** Changes refused because an admin had decided: kept so the admin sees who tried (`by` null for postbacks and jobs). */
  refusedChanges?: RefusedChange[];
  /**
   * Ids of the inbound postbacks that touched it, its own (creating) one first, then status updates and refused
   * duplicates, added when each is resolved, so the detail page reads them by `_id`. Conversions stored before
   * this was kept lack their own id here (or the field).
   */
  postbackIds?: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface RefusedChange {
  at: Date;
  by: string | null;
  to: string;
  reason: string;
  note: string;
}

const changeSchema = new Schema<ConversionChange>(
  { at: { type: Date, required: true }, by: { type: String, default: null }, from: { type: String, default: null }, to: { type: String, required: true }, reason: { type: String, default: null }, note: { type: String, default: '' }, noteShared: { type: Boolean, default: false } },
  { _id: false },
);

const conversionSchema = new Schema<ConversionDoc>(
  {
    _id: { type: String, required: true },
    clickId: { type: String, required: true },
    linkId: { type: String, required: true },
    campaignId: { type: String, required: true },
    affiliateId: { type: String, required: true },
    advertiserId: { type: String, required: true },
    txnId: { type: String, required: true },
    clickKey: { type: String, required: true },
    status: { type: String, enum: [...CONVERSION_STATUSES, 'processing'], required: true },
    reason: { type: String, default: null },
    suspectedFraud: { type: Boolean, default: false },
    approved: { type: Number, default: 0 },
    pending: { type: Number, default: 0 },
    rejected: { type: Number, default: 0 },
    currency: { type: String, required: true },
    saleAmountCents: { type: Number, default: null },
    revenueCents: { type: Number, required: true },
    payoutCents: { type: Number, required: true },
    revApprovedCents: { type: Number, default: 0 },
    revPendingCents: { type: Number, default: 0 },
    payApprovedCents: { type: Number, default: 0 },
    payPendingCents: { type: Number, default: 0 },
    capHeld: { type: Boolean, default: false },
    capDay: { type: String, default: null },
    clickedAt: { type: Date, required: true },
    convertedAt: { type: Date, required: true },
    hour: { type: Date, required: true },
    approvedAt: { type: Date, default: null },
    sub1: { type: String, default: null },
    sub2: { type: String, default: null },
    sub3: { type: String, default: null },
    sub4: { type: String, default: null },
    sub5: { type: String, default: null },
    country: { type: String },
    device: { type: String },
    os: { type: String },
    browser: { type: String },
    payoutId: { type: String, default: null },
    history: { type: [changeSchema], default: [] },
    adminDecision: {
      type: new Schema<AdminDecision>({ by: { type: String, required: true }, at: { type: Date, required: true }, status: { type: String, required: true }, note: { type: String, default: '' } }, { _id: false }),
      default: null,
    },
    refusedChanges: {
      type: [new Schema<RefusedChange>({ at: { type: Date, required: true }, by: { type: String, default: null }, to: { type: String, required: true }, reason: { type: String, required: true }, note: { type: String, default: '' } }, { _id: false })],
      default: [],
    },
    postbackIds: { type: [String], default: undefined },
  },
  { timestamps: true, versionKey: false, collection: 'conversions' },
);
conversionSchema.index({ campaignId: 1, txnId: 1 }, { unique: true });
conversionSchema.index({ clickKey: 1 }, { unique: true });
conversionSchema.index({ campaignId: 1, hour: 1 });
conversionSchema.index({ affiliateId: 1, hour: 1 });
conversionSchema.index({ hour: 1 });
conversionSchema.index({ status: 1, payoutId: 1, convertedAt: 1 });
// The conversions list reads day buckets by _id (conversions/conversion-list.ts), not
// these: they stay for the payout run's per-affiliate query (affiliateId, status,
// convertedAt) and auto-approval's pending conversions of campaigns (campaignId, status).
conversionSchema.index({ affiliateId: 1, status: 1, convertedAt: -1, _id: -1 });
conversionSchema.index({ campaignId: 1, status: 1, convertedAt: -1, _id: -1 });

export const conversionModel = (conn: Connection) => conn.model<ConversionDoc>('Conversion', conversionSchema);
export type ConversionModel = ReturnType<typeof conversionModel>;
