import type { AppContext } from '../context';
import type { ConversionDoc } from '../db/models/conversion';
import { insertNew } from '../db/insert-new';
import { GroupCommit, perContext } from '../db/group-commit';

/**
 * Lookup keys of conversions by `_id`: `t|<campaignId>|<txnId>` and
 * `c|<clickKey>`. A postback claims the keys of the conversion it will store
 * by inserting them before the conversion (`claimConversionKeys`), so
 * deduplication is an insert that fails on `_id`, the only index the
 * embedded server answers from, and a later postback for the same
 * transaction finds the conversion by key. The unique indexes on the
 * conversions collection still guarantee no duplicates; a conversion stored
 * before keys existed is found once by a scan, which then points its key at it.
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

export const keyOf = (l: ConversionLookup) => ('txnId' in l ? txnLookupKey(l.campaignId, l.txnId) : clickLookupKey(l.clickKey));

/** Writes the keys a conversion will be looked up by (each write costs, so only those that can be used). */
export async function recordConversionKeys(ctx: AppContext, conversionId: string, lookups: ConversionLookup[]): Promise<void> {
  if (lookups.length === 0) return;
  await keys(ctx).bulkWrite(
    lookups.map((l) => ({ updateOne: { filter: { _id: keyOf(l) }, update: { $setOnInsert: { conversionId } }, upsert: true } })),
    { ordered: false },
  );
}

/** Claims of many postbacks, inserted together: per key, whether it existed already. */
const claims = perContext(
  (ctx: AppContext) =>
    new GroupCommit<ConversionKeyDoc, boolean>(async (docs) => {
      const { existing } = await insertNew(keys(ctx), docs);
      const taken = new Set(existing);
      return docs.map((_, i) => taken.has(i));
    }, 100),
);

/** A key held by another conversion (which may not be stored yet). */
export interface TakenKey {
  key: string;
  lookup: ConversionLookup;
  holder: string;
}

/**
 * Claims the keys for `conversionId`. Returns null when every key is now
 * its own (claimed now, or by an earlier run of the same postback), else the
 * first key another conversion holds; the keys claimed by this call are then
 * given back, so they do not keep later postbacks waiting.
 */
export async function claimConversionKeys(ctx: AppContext, conversionId: string, lookups: ConversionLookup[]): Promise<TakenKey | null> {
  const docs = lookups.map((l) => ({ _id: keyOf(l), conversionId }));
  const existed = await Promise.all(docs.map((d) => claims(ctx).add(d)));
  let taken: TakenKey | null = null;
  for (let i = 0; i < docs.length && !taken; i++) {
    if (!existed[i]) continue;
    const k = await keys(ctx).findOne({ _id: docs[i]!._id });
    if (k && k.conversionId !== conversionId) taken = { key: k._id, lookup: lookups[i]!, holder: k.conversionId };
  }
  if (taken) {
    // One delete per key: `_id: { $in }` reads the whole collection on the embedded server.
    await Promise.all(docs.filter((_, i) => !existed[i]).map((d) => keys(ctx).deleteOne({ _id: d._id, conversionId })));
  }
  return taken;
}

/** Points a key at another conversion, if it still points at `from`; returns whether it did. */
export async function repointConversionKey(ctx: AppContext, key: string, from: string, to: string): Promise<boolean> {
  const r = await keys(ctx).updateOne({ _id: key, conversionId: from }, { $set: { conversionId: to } });
  return r.modifiedCount === 1;
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
  if (conv) {
    await recordConversionKeys(ctx, conv._id, [lookup]);
    // A key claimed by a postback whose conversion was refused by the unique index: the stored one holds it.
    if (k && k.conversionId !== conv._id) await repointConversionKey(ctx, k._id, k.conversionId, conv._id);
  }
  return conv;
}
