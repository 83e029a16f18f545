import type { PostbackDoc } from '../db/models/postback';

/** What the conversions queue carries for one postback; the job id is the postback id. */
export interface PostbackJobData {
  id: string;
  receivedAt: string;
  method: string;
  ip: string | null;
  params: Record<string, string>;
  test?: boolean;
  /** Set on a job in the failed set once its postback was resolved (see resolveFailedPostbackJobs). */
  failureResolved?: true;
  /** The postback has a document already (replayed from MongoDB): the worker reads it even on the job's first run. */
  stored?: true;
}

export const POSTBACK_JOB = 'postback';

/**
 * Postbacks stored in MongoDB while Redis was unavailable are marked in their
 * own small collection, so the replay loop never scans the (large) postbacks
 * collection.
 */
export interface PostbackSpoolDoc {
  _id: string;
  at: Date;
}

export const POSTBACK_SPOOL = 'postback_spool';

export function postbackDocFor(job: PostbackJobData, owner?: { campaignId: string; advertiserId: string }): PostbackDoc {
  return {
    _id: job.id,
    receivedAt: new Date(job.receivedAt),
    method: job.method,
    ip: job.ip,
    params: job.params,
    test: job.test ?? false,
    state: 'queued',
    reason: null,
    detail: null,
    campaignId: owner?.campaignId ?? null,
    advertiserId: owner?.advertiserId ?? null,
    conversionId: null,
    resolvedAt: null,
  };
}

export function jobDataFor(pb: PostbackDoc): PostbackJobData {
  return {
    id: pb._id,
    receivedAt: pb.receivedAt.toISOString(),
    method: pb.method,
    ip: pb.ip,
    params: pb.params,
    ...(pb.test ? { test: true } : {}),
    stored: true,
  };
}
