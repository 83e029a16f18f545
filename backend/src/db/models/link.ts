import { Schema, type Connection } from 'mongoose';

/** One tracking link per campaign × affiliate; _id is the short public link id. */
export interface LinkDoc {
  _id: string;
  campaignId: string;
  affiliateId: string;
  advertiserId: string;
  createdAt: Date;
  updatedAt: Date;
}

const linkSchema = new Schema<LinkDoc>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    affiliateId: { type: String, required: true },
    advertiserId: { type: String, required: true },
  },
  { timestamps: true, versionKey: false, collection: 'links' },
);
linkSchema.index({ campaignId: 1, affiliateId: 1 }, { unique: true });
linkSchema.index({ affiliateId: 1 });

export const linkModel = (conn: Connection) => conn.model<LinkDoc>('Link', linkSchema);
export type LinkModel = ReturnType<typeof linkModel>;
