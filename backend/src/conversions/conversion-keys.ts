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

export type ConversionLookup = { campaignId: string; txnId: string } | { clickKey: string };

const keyOf = (l: ConversionLookup) => ('txnId' in l ? txnLookupKey(l.campaignId, l.txnId) : clickLookupKey(l.clickKey));

/** Writes the keys a conversion will be looked up by (each write costs, so only those that can be used). */
export async function recordConversionKeys(ctx: AppContext, conversionId: string, lookups: ConversionLookup[]): Promise<void> {
  if (lookups.length === 0) return;
  await keys(ctx).bulkWrite(
    lookups.map((l) => ({ updateOne: { filter: { _id: keyOf(l) }, update: { $setOnInsert: { conversionId } }, upsert: true } })),
    { ordered: false },
  );
}

/** The conversion holding a transaction id or click key, by key; `scan` falls back to a collection scan. */
export async function findConversionByKey(ctx: AppContext, lookup: ConversionLookup, opts: { scan?: boolean } = {}): Promise<ConversionDoc | null> {
  const k = await keys(ctx).findOne({ _id: keyOf(lookup) });
  if (k) {
    const conv = (await ctx.models.Conversion.findById(k.conversionId).lean()) as ConversionDoc | null;
    if (conv) return conv;
  }
  if (!opts.scan) return null;
  const filter = 'txnId' in lookup ? { campaignId: lookup.campaignId, txnId: lookup.txnId } : { clickKey: lookup.clickKey };
  const conv = (await ctx.models.Conversion.findOne(filter).lean()) as ConversionDoc | null;
  if (conv) await recordConversionKeys(ctx, conv._id, [lookup]);
  return conv;
}
