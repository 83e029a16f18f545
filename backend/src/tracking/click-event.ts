import { z } from 'zod';
import { CLICK_ID_RE } from '../domain/click-id';

/**
 * One click as the API hands it to the queue (and, when Redis is down, to the
 * spool). Validity is decided at click time because it chose the redirect;
 * uniqueness is decided by the worker, idempotently.
 */
export const clickEventSchema = z.object({
  id: z.string().regex(CLICK_ID_RE),
  ts: z.number().int().nonnegative(),
  linkId: z.string().min(1).max(64),
  campaignId: z.string().min(1).max(64),
  affiliateId: z.string().min(1).max(64),
  advertiserId: z.string().min(1).max(64),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /**
   * Why the click is invalid (null: valid). Any short reason is stored as
   * given, so a worker older than the API that sends a new reason still
   * stores the click: it was redirected, and the reason is the API's call.
   */
  reason: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).nullable(),
  sub1: z.string().nullable(),
  sub2: z.string().nullable(),
  sub3: z.string().nullable(),
  sub4: z.string().nullable(),
  sub5: z.string().nullable(),
  visitor: z.string().min(1).max(64),
  ua: z.string(),
  /** ISO-2 country (`ZZ` unknown) and what the user agent says; events queued by an older API have none (null). */
  country: z.string().nullable(),
  device: z.string().max(40).nullish(),
  os: z.string().max(40).nullish(),
  browser: z.string().max(40).nullish(),
  referer: z.string().nullable(),
  deepLink: z.string().nullable(),
  /**
   * What the click earns if it turns out unique (CPC campaigns only), from the
   * terms in force when it was clicked, so a late replay is priced the same.
   */
  cpcRevenueCents: z.number().int().nonnegative(),
  cpcPayoutCents: z.number().int().nonnegative(),
});
export type ClickEvent = z.infer<typeof clickEventSchema>;

/** One queue job: a micro-batch of clicks; `id` is its first click's id and names the job. */
export const clickBatchSchema = z.object({
  id: z.string().regex(CLICK_ID_RE),
  clicks: z.array(clickEventSchema).min(1).max(100_000),
});
export type ClickBatch = z.infer<typeof clickBatchSchema>;

export const CLICK_JOB_NAME = 'batch';

/**
 * BullMQ job id of a batch. The same batch enqueued twice (a late add and its
 * spooled copy) maps to the same job while it waits.
 */
export const clickJobId = (batchId: string): string => `b${batchId}`;
