import type { AppContext } from '../context';
import { recordConversionHour } from '../db/conversion-hours';
import type { ConversionDoc } from '../db/models/conversion';
import { listNewConversion } from './conversion-list';
import { recordSearchKeys } from './conversion-search';

/**
 * Everything that must point at a conversion before it is stored (the
 * buckets of ids readers find it through, its search keys). Each write is idempotent, and runs
 * before the insert: a crash in between leaves ids that readers skip, never a
 * stored conversion that no bucket lists.
 */
export async function indexNewConversion(ctx: AppContext, doc: Pick<ConversionDoc, '_id' | 'hour' | 'convertedAt' | 'campaignId' | 'affiliateId' | 'advertiserId' | 'txnId' | 'clickId'>): Promise<void> {
  await Promise.all([recordConversionHour(ctx.db, doc.hour, doc._id), listNewConversion(ctx.db, doc), recordSearchKeys(ctx.db, [doc])]);
}
