import type { AppContext } from '../context';
import { recordConversionHour } from '../db/conversion-hours';
import { GroupCommit, perContext } from '../db/group-commit';
import type { ConversionDoc } from '../db/models/conversion';
import { listNewConversion } from './conversion-list';
import { recordSearchKeys } from './conversion-search';

type Indexed = Pick<ConversionDoc, '_id' | 'hour' | 'convertedAt' | 'campaignId' | 'affiliateId' | 'advertiserId' | 'txnId' | 'clickId'>;

/** Search keys of conversions stored at the same time go in one insert (and one `$addToSet` per key that existed). */
const searchKeys = perContext(
  (ctx: AppContext) =>
    new GroupCommit<Indexed, true>(async (docs) => {
      await recordSearchKeys(ctx.db, docs);
      return docs.map(() => true as const);
    }, 100),
);

/**
 * Everything that must point at a conversion before it is stored (the
 * buckets of ids readers find it through, its search keys). Each write is idempotent, and runs
 * before the insert: a crash in between leaves ids that readers skip, never a
 * stored conversion that no bucket lists.
 */
export async function indexNewConversion(ctx: AppContext, doc: Indexed): Promise<void> {
  await Promise.all([recordConversionHour(ctx.db, doc.hour, doc._id), listNewConversion(ctx.db, doc), searchKeys(ctx).add(doc)]);
}
