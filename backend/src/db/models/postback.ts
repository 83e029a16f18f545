import { Schema, type Connection } from 'mongoose';

export type PostbackState = 'queued' | 'attributed' | 'status_updated' | 'rejected';

/**
 * Every inbound postback, as received, with how it was resolved. Nothing the
 * endpoint accepted is dropped: it ends attributed, status_updated or rejected with a reason.
 */
export interface PostbackDoc {
  _id: string;
  receivedAt: Date;
  method: string;
  ip: string | null;
  params: Record<string, string>;
  test: boolean;
  state: PostbackState;
  reason: string | null;
  detail: string | null;
  campaignId: string | null;
  advertiserId: string | null;
  conversionId: string | null;
  resolvedAt: Date | null;
}

const postbackSchema = new Schema<PostbackDoc>(
  {
    _id: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    method: { type: String, required: true },
    ip: { type: String, default: null },
    params: { type: Schema.Types.Mixed, required: true },
    test: { type: Boolean, default: false },
    state: { type: String, enum: ['queued', 'attributed', 'status_updated', 'rejected'], default: 'queued' },
    reason: { type: String, default: null },
    detail: { type: String, default: null },
    campaignId: { type: String, default: null },
    advertiserId: { type: String, default: null },
    conversionId: { type: String, default: null },
    resolvedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'postbacks' },
);
// No secondary index: the postbacks list reads day buckets by _id (conversions/postback-list.ts),
// and every other read of a postback is by _id.

export const postbackModel = (conn: Connection) => conn.model<PostbackDoc>('Postback', postbackSchema);
export type PostbackModel = ReturnType<typeof postbackModel>;
