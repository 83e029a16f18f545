import { Schema, type Connection, type Model } from 'mongoose';
import { APPROVAL_MODES, CAMPAIGN_STATUSES, type Caps, type CampaignStatus } from '../../domain/campaign-rules';
import { PAYOUT_MODELS, type PayoutModel } from '../../domain/payout-models';
import { putCampaignEntry, type CampaignSummary } from '../../campaigns/campaign-directory';
import { newId } from '../ids';
import { indexPostbackToken } from '../postback-tokens';

export interface PayoutOverrideDoc {
  affiliateId: string;
  payoutCents: number | null;
  payoutBps: number | null;
}

export interface CampaignDoc {
  _id: string;
  advertiserId: string;
  name: string;
  description: string;
  status: CampaignStatus;
  destinationUrl: string;
  fallbackUrl: string | null;
  allowDeepLink: boolean;
  currency: string;
  payoutModel: PayoutModel;
  revenueCents: number | null;
  payoutCents: number | null;
  revenueBps: number | null;
  payoutBps: number | null;
  caps: Caps;
  attributionWindowDays: number;
  approvalMode: 'auto' | 'manual';
  autoApproveAfterDays: number | null;
  minClickToConversionSeconds: number;
  oneConversionPerClick: boolean;
  trackSub1: boolean;
  postbackSecret: string;
  /** The secret before the last rotation stays valid for a grace period. */
  previousPostbackSecret: string | null;
  previousSecretValidUntil: Date | null;
  overrides: PayoutOverrideDoc[];
  /** Bumped by every change of `overrides`: the list is rewritten whole, conditionally on the version it was read at. */
  overridesVersion?: number;
  /** Set by an admin: payouts (and overrides) may exceed revenue. Who and when are kept. */
  allowNegativeMargin?: boolean;
  negativeMarginSetBy?: string | null;
  negativeMarginSetAt?: Date | null;
  /** Addresses and CIDR ranges postbacks must come from; empty or missing: anywhere. */
  postbackAllowedIps?: string[];
  /** Who created and edited the campaign, and for which advertiser (an admin may act on an advertiser's behalf). */
  history?: CampaignChangeDoc[];
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignChangeDoc {
  at: Date;
  action: CampaignChangeAction;
  by: string;
  byRole: 'admin' | 'advertiser';
  /** The advertiser the change was made for (the campaign's). */
  forAdvertiser: string;
  /** The fields an edit changed (`caps.<cap>` for a cap; `status` for a pause, resume or archive); absent in entries written before it was kept. */
  changed?: string[];
}

export type CampaignChangeAction = 'created' | 'edited' | 'paused' | 'resumed' | 'archived';

const changeSchema = new Schema<CampaignChangeDoc>(
  { at: { type: Date, required: true }, action: { type: String, required: true }, by: { type: String, required: true }, byRole: { type: String, required: true }, forAdvertiser: { type: String, required: true }, changed: { type: [String], default: undefined } },
  { _id: false },
);

const overrideSchema = new Schema<PayoutOverrideDoc>(
  { affiliateId: { type: String, required: true }, payoutCents: { type: Number, default: null }, payoutBps: { type: Number, default: null } },
  { _id: false },
);

const capsSchema = new Schema<Caps>(
  {
    dailyConversions: { type: Number, default: null },
    totalConversions: { type: Number, default: null },
    dailyBudgetCents: { type: Number, default: null },
    totalBudgetCents: { type: Number, default: null },
  },
  { _id: false },
);

const campaignSchema = new Schema<CampaignDoc>(
  {
    _id: { type: String, default: newId },
    advertiserId: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'active' },
    destinationUrl: { type: String, required: true },
    fallbackUrl: { type: String, default: null },
    allowDeepLink: { type: Boolean, default: false },
    currency: { type: String, required: true },
    payoutModel: { type: String, enum: PAYOUT_MODELS, required: true },
    revenueCents: { type: Number, default: null },
    payoutCents: { type: Number, default: null },
    revenueBps: { type: Number, default: null },
    payoutBps: { type: Number, default: null },
    caps: { type: capsSchema, default: () => ({}) },
    attributionWindowDays: { type: Number, default: 30 },
    approvalMode: { type: String, enum: APPROVAL_MODES, default: 'auto' },
    autoApproveAfterDays: { type: Number, default: null },
    minClickToConversionSeconds: { type: Number, default: 0 },
    oneConversionPerClick: { type: Boolean, default: true },
    trackSub1: { type: Boolean, default: false },
    postbackSecret: { type: String, required: true },
    previousPostbackSecret: { type: String, default: null },
    previousSecretValidUntil: { type: Date, default: null },
    overrides: { type: [overrideSchema], default: [] },
    overridesVersion: { type: Number, default: 0 },
    allowNegativeMargin: { type: Boolean, default: false },
    negativeMarginSetBy: { type: String, default: null },
    negativeMarginSetAt: { type: Date, default: null },
    postbackAllowedIps: { type: [String], default: [] },
    history: { type: [changeSchema], default: [] },
  },
  { timestamps: true, versionKey: false, collection: 'campaigns' },
);
campaignSchema.index({ advertiserId: 1, status: 1 });
campaignSchema.index({ postbackSecret: 1 });

// Every way a campaign is created indexes its postback secret by _id first (db/postback-tokens), so
// intake finds a token's campaign without a scan, also for campaigns made by tests, seed and benchmarks.
campaignSchema.pre('save', async function () {
  if (this.isNew) await indexPostbackToken((this.constructor as Model<CampaignDoc>).db.db!, this.postbackSecret, this._id);
});
campaignSchema.pre('insertMany', async function (docs: unknown) {
  const list = (Array.isArray(docs) ? docs : [docs]) as Array<Pick<CampaignDoc, 'postbackSecret'> & { _id?: string }>;
  await Promise.all(list.map((d) => indexPostbackToken(this.db.db!, d.postbackSecret, (d._id ??= newId()))));
});

// ...and lists it in the campaigns directory first (campaigns/campaign-directory), so the campaigns list,
// read from that directory by _id, shows every campaign however it was made.
campaignSchema.pre('save', async function () {
  if (this.isNew) await putCampaignEntry((this.constructor as Model<CampaignDoc>).db.db!, this, this.updatedAt?.getTime() ?? 0);
});
campaignSchema.pre('insertMany', async function (docs: unknown) {
  const list = (Array.isArray(docs) ? docs : [docs]) as Array<Omit<CampaignSummary, '_id'> & { _id?: string; updatedAt?: Date }>;
  await Promise.all(
    list.map((d) => {
      // Stamped here (insertMany keeps timestamps already set), so the entry and the campaign agree.
      d.createdAt ??= new Date();
      d.updatedAt ??= d.createdAt;
      d.status ??= 'active';
      d.attributionWindowDays ??= 30;
      return putCampaignEntry(this.db.db!, { ...d, _id: (d._id ??= newId()) }, d.updatedAt.getTime());
    }),
  );
});

export const campaignModel = (conn: Connection) => conn.model<CampaignDoc>('Campaign', campaignSchema);
export type CampaignModel = ReturnType<typeof campaignModel>;
