import { Schema, type Connection } from 'mongoose';

export const PAYOUT_STATUSES = ['building', 'pending_approval', 'approved', 'paid', 'rejected'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export interface PayoutTransition {
  at: Date;
  by: string | null;
  from: string | null;
  to: string;
  note: string;
}

/** Money owed to one affiliate in one currency, built by a payout run from approved conversions and settled CPC click earnings. */
export interface PayoutDoc {
  _id: string;
  runId: string;
  affiliateId: string;
  currency: string;
  status: PayoutStatus;
  amountCents: number;
  conversionCount: number;
  /** Click earnings (day × campaign) held, the clicks they pay and their part of amountCents. */
  clickEarningCount: number;
  clickCount: number;
  clickAmountCents: number;
  /** Conversions up to this instant (convertedAt), and click earnings of days ending by it, were eligible. */
  cutoff: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
  history: PayoutTransition[];
  paidReference: string | null;
  /**
   * Unique: `building|<affiliateId>|<currency>` while a run builds the payout
   * (so two runs never build for the same affiliate and currency at once),
   * then the payout's own id.
   */
  buildKey: string;
  createdAt: Date;
  updatedAt: Date;
}

export const PAYOUT_LINE_KINDS = ['conversion', 'clicks'] as const;
export type PayoutLineKind = (typeof PAYOUT_LINE_KINDS)[number];

/**
 * A payout line is one conversion, or one click earning (a day's paid clicks
 * on one campaign), in one payout; `_id` is `<payoutId>:<claim id>`. Lines
 * written before click earnings existed have no `kind`: they are conversions.
 */
export interface PayoutLineDoc {
  _id: string;
  payoutId: string;
  kind?: PayoutLineKind;
  /** The conversion (conversion lines), else null. */
  conversionId: string | null;
  /** The click earning, its UTC day and paid clicks (clicks lines), else null. */
  clickEarningId?: string | null;
  day?: string | null;
  clicks?: number | null;
  campaignId: string;
  amountCents: number;
  /** When the conversion converted; for a clicks line the start of its day (lines are listed in this order). */
  convertedAt: Date;
}

const transitionSchema = new Schema<PayoutTransition>(
  { at: { type: Date, required: true }, by: { type: String, default: null }, from: { type: String, default: null }, to: { type: String, required: true }, note: { type: String, default: '' } },
  { _id: false },
);

const payoutSchema = new Schema<PayoutDoc>(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true },
    affiliateId: { type: String, required: true },
    currency: { type: String, required: true },
    status: { type: String, enum: PAYOUT_STATUSES, required: true },
    amountCents: { type: Number, default: 0 },
    conversionCount: { type: Number, default: 0 },
    clickEarningCount: { type: Number, default: 0 },
    clickCount: { type: Number, default: 0 },
    clickAmountCents: { type: Number, default: 0 },
    cutoff: { type: Date, required: true },
    periodStart: { type: Date, default: null },
    periodEnd: { type: Date, default: null },
    history: { type: [transitionSchema], default: [] },
    paidReference: { type: String, default: null },
    buildKey: { type: String, required: true },
  },
  { timestamps: true, versionKey: false, collection: 'payouts' },
);
payoutSchema.index({ affiliateId: 1, createdAt: -1 });
payoutSchema.index({ status: 1, createdAt: -1 });
payoutSchema.index({ buildKey: 1 }, { unique: true });

const lineSchema = new Schema<PayoutLineDoc>(
  {
    _id: { type: String, required: true },
    payoutId: { type: String, required: true },
    kind: { type: String, enum: PAYOUT_LINE_KINDS, default: 'conversion' },
    conversionId: { type: String, default: null },
    clickEarningId: { type: String, default: null },
    day: { type: String, default: null },
    clicks: { type: Number, default: null },
    campaignId: { type: String, required: true },
    amountCents: { type: Number, required: true },
    convertedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'payout_lines' },
);
// Lookups of lines by payoutId (reconciliation, a dissolved payout's cleanup); the dashboard reads a payout's lines through day buckets (payouts/line-list.ts).
lineSchema.index({ payoutId: 1, convertedAt: 1, _id: 1 });

export const payoutModel = (conn: Connection) => conn.model<PayoutDoc>('Payout', payoutSchema);
export const payoutLineModel = (conn: Connection) => conn.model<PayoutLineDoc>('PayoutLine', lineSchema);
export type PayoutModel = ReturnType<typeof payoutModel>;
export type PayoutLineModel = ReturnType<typeof payoutLineModel>;
