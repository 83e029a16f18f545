import { Schema, type Connection } from 'mongoose';

/** One attempt to call an affiliate's postback URL. */
export interface DeliveryDoc {
  _id: string;
  affiliateId: string;
  conversionId: string | null;
  event: string;
  url: string;
  attempt: number;
  outcome: 'delivered' | 'failed' | 'refused';
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
  test: boolean;
  at: Date;
}

const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    affiliateId: { type: String, required: true },
    conversionId: { type: String, default: null },
    event: { type: String, required: true },
    url: { type: String, required: true },
    attempt: { type: Number, required: true },
    outcome: { type: String, enum: ['delivered', 'failed', 'refused'], required: true },
    httpStatus: { type: Number, default: null },
    error: { type: String, default: null },
    durationMs: { type: Number, default: null },
    test: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'postback_deliveries' },
);
// The log is read through day buckets (outbound/delivery-list.ts); no list query needs an index here.
deliverySchema.index({ conversionId: 1 });

export const deliveryModel = (conn: Connection) => conn.model<DeliveryDoc>('Delivery', deliverySchema);
export type DeliveryModel = ReturnType<typeof deliveryModel>;
