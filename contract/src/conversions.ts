import { z } from 'zod';
import { Currency, Instant, ListInstant, MinorUnits, ObjectId, cursorPageQuery, cursorPagedOf, sortQuery } from './common';

export const CONVERSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const ConversionStatus = z.enum(CONVERSION_STATUSES).meta({ id: 'ConversionStatus' });
export type ConversionStatus = z.infer<typeof ConversionStatus>;

const reasonText =
  'Why it was rejected (`advertiser_rejected`, `admin_rejected`, `cap_reached`, `budget_exhausted`, …); null unless rejected';
const byText = 'Id of the account that made the change; null for postbacks and scheduled jobs';

export const ConversionChange = z
  .strictObject({
    at: Instant,
    by: z.string().nullable().meta({ description: byText }),
    from: z.string().nullable().meta({ description: 'Status before; null when the conversion was created' }),
    to: z.string().meta({ description: 'Status after' }),
    reason: z.string().nullable(),
    note: z.string(),
  })
  .meta({ id: 'ConversionChange' });
export type ConversionChange = z.infer<typeof ConversionChange>;

export const ConversionAdminDecision = z
  .strictObject({ by: z.string().meta({ description: 'The admin’s account id' }), at: Instant, status: ConversionStatus, note: z.string() })
  .meta({ id: 'ConversionAdminDecision', description: 'The last admin review: while set, only admins may change the status' });
export type ConversionAdminDecision = z.infer<typeof ConversionAdminDecision>;

export const ConversionRefusedChange = z
  .strictObject({ at: Instant, by: z.string().nullable().meta({ description: byText }), to: z.string(), reason: z.string(), note: z.string() })
  .meta({ id: 'ConversionRefusedChange', description: 'A change refused because an admin had decided' });
export type ConversionRefusedChange = z.infer<typeof ConversionRefusedChange>;

const subId = (n: number) => z.string().nullable().meta({ description: `The click’s sub${n} value` });
const adminsAndAdvertisers = (what: string) => `${what} Absent for affiliates.`;

/**
 * A conversion as the API shows it. Affiliates see neither what the
 * advertiser pays (`revenueCents`) nor the review history.
 */
export const Conversion = z
  .strictObject({
    id: ObjectId.meta({ description: 'Also the id of the postback that created it' }),
    clickId: z.string(),
    campaignId: ObjectId,
    campaignName: z.string().nullable().meta({ description: 'null if the campaign is gone' }),
    affiliateId: ObjectId,
    affiliateName: z.string().nullable().optional().meta({ description: 'The affiliate’s name; admins only (null if the account is gone)' }),
    txnId: z.string().meta({ description: 'The advertiser’s transaction id' }),
    status: z.enum([...CONVERSION_STATUSES, 'processing']).meta({ description: '`processing` only for a moment, while the worker is between its steps' }),
    reason: z.string().nullable().meta({ description: reasonText }),
    suspectedFraud: z.boolean().meta({ description: 'Converted sooner after the click than the campaign allows: held as pending' }),
    currency: Currency,
    saleAmountCents: MinorUnits.nullable().meta({ description: 'The sale amount the postback reported (CPS), in minor units' }),
    payoutCents: MinorUnits.meta({ description: 'What the affiliate earns' }),
    clickedAt: Instant,
    convertedAt: Instant,
    sub1: subId(1),
    sub2: subId(2),
    sub3: subId(3),
    sub4: subId(4),
    sub5: subId(5),
    payoutId: ObjectId.nullable().meta({ description: 'The payout that paid it, once paid out' }),
    revenueCents: MinorUnits.optional().meta({ description: adminsAndAdvertisers('What the advertiser pays.') }),
    approvedAt: Instant.nullable().optional().meta({ description: adminsAndAdvertisers('When it was last approved.') }),
    history: z.array(ConversionChange).optional().meta({ description: adminsAndAdvertisers('Every status change, oldest first.') }),
    adminDecision: ConversionAdminDecision.nullable().optional(),
    refusedChanges: z.array(ConversionRefusedChange).optional().meta({ description: adminsAndAdvertisers('Changes refused because an admin had decided.') }),
  })
  .meta({ id: 'Conversion' });
export type Conversion = z.infer<typeof Conversion>;

export const ConversionEnvelope = z.strictObject({ conversion: Conversion }).meta({ id: 'ConversionEnvelope' });
export type ConversionEnvelope = z.infer<typeof ConversionEnvelope>;

export const ConversionPage = cursorPagedOf(Conversion).meta({ id: 'ConversionPage' });
export type ConversionPage = z.infer<typeof ConversionPage>;

export const CONVERSION_SORTS = ['convertedAt'] as const;

export const ConversionListQuery = z.strictObject({
  ...cursorPageQuery,
  ...sortQuery(CONVERSION_SORTS),
  campaignId: ObjectId.optional(),
  affiliateId: ObjectId.optional().meta({ description: 'Admins and advertisers; ignored for affiliates (they see their own)' }),
  advertiserId: ObjectId.optional().meta({ description: 'Admins; ignored for others (an advertiser sees their own campaigns’)' }),
  status: ConversionStatus.optional(),
  from: ListInstant.optional().meta({ description: 'Converted at or after' }),
  to: ListInstant.optional().meta({ description: 'Converted before' }),
  search: z.string().trim().min(1).max(200).optional().meta({ description: 'A transaction id or click id, matched exactly; answers one page (no cursor) of up to `limit` conversions' }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv`: every matching conversion (up to 50,000) as a CSV file, ignoring paging' }),
});
export type ConversionListQuery = z.input<typeof ConversionListQuery>;

export const ConversionReviewBody = z.strictObject({
  note: z.string().trim().max(500).default('').meta({ description: 'Why, kept in the conversion’s history' }),
  shareNote: z.boolean().default(false).meta({ description: 'Show the note to the affiliate too (otherwise only admins and the advertiser see it)' }),
});
export type ConversionReviewBody = z.input<typeof ConversionReviewBody>;

export const BULK_REVIEW_MAX = 100;

export const ConversionBulkReviewBody = z
  .strictObject({
    ids: z.array(ObjectId).min(1).max(BULK_REVIEW_MAX).meta({ description: `The conversions to review, at most ${BULK_REVIEW_MAX}` }),
    action: z.enum(['approve', 'reject']),
    note: z.string().trim().max(500).default('').meta({ description: 'One note for all of them, kept in each conversion’s history' }),
  })
  .meta({ id: 'ConversionBulkReviewBody' });
export type ConversionBulkReviewBody = z.input<typeof ConversionBulkReviewBody>;

export const ConversionBulkOutcome = z
  .strictObject({
    id: ObjectId,
    done: z.boolean().meta({ description: 'Whether the conversion now has the status asked for' }),
    error: z
      .strictObject({ code: z.enum(['not_found', 'conflict']), message: z.string(), reason: z.string().nullable().meta({ description: '`cap_reached`, `budget_exhausted`, `admin_decided` where known' }) })
      .nullable()
      .meta({ description: 'Why it was refused; null when done' }),
  })
  .meta({ id: 'ConversionBulkOutcome' });
export type ConversionBulkOutcome = z.infer<typeof ConversionBulkOutcome>;

export const ConversionBulkReviewResult = z
  .strictObject({ results: z.array(ConversionBulkOutcome).meta({ description: 'One per id asked for, in the same order' }), done: z.number().int(), refused: z.number().int() })
  .meta({ id: 'ConversionBulkReviewResult' });
export type ConversionBulkReviewResult = z.infer<typeof ConversionBulkReviewResult>;
