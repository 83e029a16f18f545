import { Schema, type Connection } from 'mongoose';

/**
 * Running conversions and spend per campaign: one document per UTC day
 * (`<campaignId>|<YYYYMMDD>`) and one lifetime (`<campaignId>|total`). Caps and
 * budgets are enforced by conditional $inc on these single documents.
 */
export interface CampaignCounterDoc {
  _id: string;
  campaignId: string;
  day: string;
  conversions: number;
  spendCents: number;
}

const counterSchema = new Schema<CampaignCounterDoc>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    day: { type: String, required: true },
    conversions: { type: Number, default: 0 },
    spendCents: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'campaign_counters' },
);
counterSchema.index({ campaignId: 1, day: 1 });

export const campaignCounterModel = (conn: Connection) => conn.model<CampaignCounterDoc>('CampaignCounter', counterSchema);
export type CampaignCounterModel = ReturnType<typeof campaignCounterModel>;
