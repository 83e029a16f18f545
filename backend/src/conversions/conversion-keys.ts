import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';

/**
 * Lookup keys of conversions by `_id`: `t|<campaignId>|<txnId>` and
 * `c|<clickKey>`. The unique indexes on the conversions collection are what
 * guarantee no duplicates; these documents only make finding the existing
 * conversion an `_id` lookup, which is the only indexed lookup on FerretDB.
 * A key missing after a crash costs one scan, which then writes it again.
 */
export interface ConversionKeyDoc {
  _id: string;
  conversionId: string;
}

export const CONVERSION_KEYS = 'conversion_keys';
export const txnLookupKey = (campaignId: string, txnId: string) => `t|${campaignId}|${txnId}`;
export const clickLookupKey = (clickKey: string) => `c|${clickKey}`;

const keys = (ctx: AppContext) => ctx.db.collection<ConversionKeyDoc>(CONVERSION_KEYS);

export async function recordConversionKeys(ctx: AppContext, conv: Pick<ConversionDoc, '_id' | 'campaignId' | 'txnId' | 'clickKey'>): Promise<void> {
  await keys(ctx).bulkWrite(
    [txnLookupKey(conv.campaignId, conv.txnId), clickLookupKey(conv.clickKey)].map((_id) => ({
      updateOne: { filter: { _id }, update: { $setOnInsert: { conversionId: conv._id } }, upsert: true },
    })),
    { ordered: false },
  );
}

export type ConversionLookup = { campaignId: string; txnId: string } | { clickKey: string };

/** The conversion holding a transaction id or click key, by key; `scan` falls back to a collection scan. */
export async function findConversionByKey(ctx: AppContext, lookup: ConversionLookup, opts: { scan?: boolean } = {}): Promise<ConversionDoc | null> {
  const key = 'txnId' in lookup ? txnLookupKey(lookup.campaignId, lookup.txnId) : clickLookupKey(lookup.clickKey);
  const k = await keys(ctx).findOne({ _id: key });
  if (k) {
    const conv = (await ctx.models.Conversion.findById(k.conversionId).lean()) as ConversionDoc | null;
    if (conv) return conv;
  }
  if (!opts.scan) return null;
  const filter = 'txnId' in lookup ? { campaignId: lookup.campaignId, txnId: lookup.txnId } : { clickKey: lookup.clickKey };
  const conv = (await ctx.models.Conversion.findOne(filter).lean()) as ConversionDoc | null;
  if (conv) await recordConversionKeys(ctx, conv);
  return conv;
}
