import { z } from 'zod';
import { Instant, ListInstant, ObjectId, cursorPageQuery, cursorPagedOf, sortQuery } from './common';

/* ---------- intake: the advertiser's server calls GET or POST /api/track/postback ---------- */

/**
 * One intake parameter. Advertisers' servers fill URL templates, so intake
 * reads every value itself (empty means "not sent", unknown parameters are
 * ignored) and answers a bad one with its own 400; the declared schema only
 * describes what to send, it refuses nothing.
 */
const intakeParam = (description: string, example?: string) =>
  z.unknown().optional().meta({ description, ...(example === undefined ? {} : { example }), override: { type: 'string' } });

const intakeFields = {
  click_id: intakeParam('Required (here or in the body): the click id passed to the advertiser in the `{click_id}` macro, up to 64 printable characters', 'AbC123xyz'),
  token: intakeParam('Required: the campaign’s postback secret'),
  txn_id: intakeParam('The advertiser’s transaction id, up to 128 characters', 'order-1001'),
  amount: intakeParam('Sale amount as a decimal number (CPS campaigns need it)', '19.99'),
  currency: intakeParam('3-letter currency code of `amount`; must be the campaign’s', 'USD'),
  status: intakeParam('`approved`, `pending` or `rejected`: the conversion’s first status, or a change of an existing one', 'approved'),
};

/** Query parameters of the intake: the known ones described, anything else passed through and ignored. */
export const PostbackIntakeQuery = z.looseObject(intakeFields);

/**
 * A form or JSON body with the same parameters (they win over the query
 * string's). A body that is not an object reads as empty: the postback then
 * lacks its `click_id`, which intake answers itself.
 */
export const PostbackIntakeBody = z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}), z.looseObject(intakeFields));

export const PostbackAccepted = z
  .strictObject({
    accepted: z.literal(true),
    id: ObjectId.meta({ description: 'The postback’s id: look up how it was resolved with GET /api/track/postback/{id}' }),
  })
  .meta({ id: 'PostbackAccepted' });
export type PostbackAccepted = z.infer<typeof PostbackAccepted>;

/* ---------- stored postbacks ---------- */

export const POSTBACK_STATES = ['queued', 'attributed', 'status_updated', 'rejected'] as const;
export const PostbackState = z.enum(POSTBACK_STATES).meta({
  id: 'PostbackState',
  description: '`queued` until the worker resolves it; then `attributed` (a conversion was created), `status_updated` (an existing one changed status) or `rejected` (see `reason`)',
});
export type PostbackState = z.infer<typeof PostbackState>;

/** The parameters as stored: only the known ones that were sent, normalised (currency upper-case, status lower-case). */
export const PostbackParams = z
  .strictObject({
    click_id: z.string().optional(),
    txn_id: z.string().optional(),
    amount: z.string().optional(),
    currency: z.string().optional(),
    status: z.string().optional(),
    token: z.string().optional().meta({ description: 'Masked: its first 4 characters, then `…`' }),
  })
  .meta({ id: 'PostbackParams' });
export type PostbackParams = z.infer<typeof PostbackParams>;

export const Postback = z
  .strictObject({
    id: ObjectId,
    state: PostbackState,
    reason: z.string().nullable().meta({ description: 'Why it was rejected (`bad_token`, `unknown_click`, `expired`, `duplicate`, `cap_reached`, …); null otherwise' }),
    detail: z.string().nullable().meta({ description: 'A sentence on the outcome, for people' }),
    campaignId: ObjectId.nullable().meta({ description: 'The campaign its token opens; null when none does' }),
    campaignName: z.string().nullable().optional().meta({ description: 'The campaign’s name, in the postback log (null when none or gone)' }),
    conversionId: ObjectId.nullable().meta({ description: 'The conversion it created or changed' }),
    params: PostbackParams,
    method: z.enum(['GET', 'POST', 'TEST']).meta({ description: '`TEST` for postbacks sent with the dashboard’s test button' }),
    receivedAt: Instant,
    resolvedAt: Instant.nullable(),
    test: z.boolean().meta({ description: 'For a test click: runs every check but records no conversion and moves no money' }),
  })
  .meta({ id: 'Postback' });
export type Postback = z.infer<typeof Postback>;

export const PostbackEnvelope = z.strictObject({ postback: Postback }).meta({ id: 'PostbackEnvelope' });
export type PostbackEnvelope = z.infer<typeof PostbackEnvelope>;

export const PostbackPage = cursorPagedOf(Postback).meta({ id: 'PostbackPage' });
export type PostbackPage = z.infer<typeof PostbackPage>;

export const POSTBACK_SORTS = ['receivedAt'] as const;

export const PostbackListQuery = z.strictObject({
  ...cursorPageQuery,
  ...sortQuery(POSTBACK_SORTS),
  campaignId: ObjectId.optional(),
  advertiserId: ObjectId.optional().meta({ description: 'Admins; ignored for advertisers (they see their own campaigns’)' }),
  state: PostbackState.optional(),
  from: ListInstant.optional().meta({ description: 'Received at or after' }),
  to: ListInstant.optional().meta({ description: 'Received before' }),
  search: z.string().trim().min(1).max(200).optional().meta({ description: 'A transaction id or click id the postback sent, matched exactly; answers one page (no cursor) of up to `limit` postbacks' }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv`: every matching postback (up to 50,000) as a CSV file, ignoring paging' }),
});
export type PostbackListQuery = z.input<typeof PostbackListQuery>;

export const TestPostbackSent = z
  .strictObject({
    postbackId: ObjectId.meta({ description: 'The test postback: follow it with GET /api/track/postback/{id}' }),
    clickId: z.string().meta({ description: 'The test click it was sent for' }),
  })
  .meta({ id: 'TestPostbackSent' });
export type TestPostbackSent = z.infer<typeof TestPostbackSent>;
