import type { AppContext } from '../context';
import { isDuplicateKey } from '../db/duplicate-key';
import { newId } from '../db/ids';
import { ApiError } from '../domain/errors';
import { listPostback } from './postback-list';
import { POSTBACK_JOB, POSTBACK_SPOOL, postbackDocFor, type PostbackJobData, type PostbackSpoolDoc } from './postback-job';

export interface IntakeInput {
  method: string;
  ip: string | null;
  params: Record<string, string>;
  test?: boolean;
  /** Known owner, stored at once so the postback is visible before the worker reaches it (test postbacks). */
  owner?: { campaignId: string; advertiserId: string };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}

/**
 * Accepts a validated postback: the answer must come at once, and only once
 * the postback is durably stored. Normally that is the BullMQ job (Redis with
 * AOF). When Redis does not answer, the postback is written to MongoDB and
 * marked in the spool, which the conversion worker replays; when neither
 * works the caller gets a 503 and the advertiser's server retries.
 */
export async function acceptPostback(ctx: AppContext, input: IntakeInput): Promise<string> {
  const job: PostbackJobData = {
    id: newId(),
    receivedAt: new Date().toISOString(),
    method: input.method,
    ip: input.ip,
    params: input.params,
    ...(input.test ? { test: true } : {}),
  };
  if (input.owner) {
    await listPostback(ctx, job, input.owner);
    await ctx.models.Postback.create(postbackDocFor(job, input.owner));
  }
  try {
    await withTimeout(ctx.queues.conversions.add(POSTBACK_JOB, job, { jobId: job.id }), ctx.config.POSTBACK_ENQUEUE_TIMEOUT_MS);
    ctx.metrics.postbacks.inc({ via: 'queue' });
    return job.id;
  } catch (err) {
    ctx.log.warn({ err, postbackId: job.id }, 'could not enqueue postback; storing it for replay');
  }
  try {
    if (!input.owner) {
      await listPostback(ctx, job);
      await ctx.models.Postback.create(postbackDocFor(job)).catch((err: unknown) => {
        // The enqueue may have gone through after all and the worker stored it first.
        if (!isDuplicateKey(err)) throw err;
      });
    }
    const mark: PostbackSpoolDoc = { _id: job.id, at: new Date() };
    await ctx.db.collection<PostbackSpoolDoc>(POSTBACK_SPOOL).insertOne(mark);
    ctx.metrics.postbacks.inc({ via: 'mongo' });
    return job.id;
  } catch (err) {
    ctx.log.error({ err, postbackId: job.id }, 'could not store postback in MongoDB either');
    // Without its spool mark nothing would ever process it; the sender will retry under a new id.
    if (!input.owner) await ctx.models.Postback.deleteOne({ _id: job.id, state: 'queued' }).catch(() => {});
    throw new ApiError('service_unavailable', 'Postbacks cannot be stored right now; retry later');
  }
}
