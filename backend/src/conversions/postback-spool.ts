import type { AppContext } from '../context';
import type { PostbackDoc } from '../db/models/postback';
import { POSTBACK_JOB, POSTBACK_SPOOL, jobDataFor, type PostbackSpoolDoc } from './postback-job';

/**
 * Enqueues spooled postbacks older than `minAgeMs` and removes their marks.
 * Enqueueing twice is harmless: the job id is the postback id and the worker
 * stops at postbacks that are already resolved.
 */
export async function replaySpooledPostbacks(ctx: AppContext, minAgeMs: number, limit = 500): Promise<number> {
  const spool = ctx.db.collection<PostbackSpoolDoc>(POSTBACK_SPOOL);
  const marks = await spool.find({ at: { $lte: new Date(Date.now() - minAgeMs) } }).sort({ at: 1 }).limit(limit).toArray();
  let replayed = 0;
  for (const mark of marks) {
    const pb = (await ctx.models.Postback.findById(mark._id).lean()) as PostbackDoc | null;
    if (pb && pb.state === 'queued') {
      await ctx.queues.conversions.add(POSTBACK_JOB, jobDataFor(pb), { jobId: pb._id });
      replayed++;
    }
    await spool.deleteOne({ _id: mark._id });
  }
  return replayed;
}
