import { z } from 'zod';
import { Currency, Instant, ListInstant, MinorUnits, ObjectId, cursorPageQuery, cursorPagedOf, sortQuery } from './common';
import { JobRun } from './operations';

/** The statuses a payout is shown in (a payout still being built by a run is not shown). */
export const PAYOUT_STATUSES = ['pending_approval', 'approved', 'paid', 'rejected'] as const;
export const PayoutStatus = z.enum(PAYOUT_STATUSES).meta({ id: 'PayoutStatus', description: 'pending_approval → approved → paid, or rejected (which releases what the payout held)' });
export type PayoutStatus = z.infer<typeof PayoutStatus>;

export const PayoutChange = z
  .strictObject({
    at: Instant,
    by: z.string().nullable().meta({ description: 'Id of the account that made the change, or `system` for a scheduled run' }),
    from: z.string().nullable().meta({ description: 'Status before; null when the payout was created' }),
    to: z.string().meta({ description: 'Status after' }),
    note: z.string(),
  })
  .meta({ id: 'PayoutChange' });
export type PayoutChange = z.infer<typeof PayoutChange>;

/** Money owed to one affiliate in one currency, built by a payout run from approved conversions and settled CPC click earnings. */
export const Payout = z
  .strictObject({
    id: ObjectId,
    runId: z.string().meta({ description: 'The job run that built it' }),
    affiliateId: ObjectId,
    affiliateName: z.string().nullable().meta({ description: 'null if the account no longer exists' }),
    currency: Currency,
    amountCents: MinorUnits.meta({ description: 'The whole amount: conversions plus click earnings' }),
    conversionCount: z.number().int(),
    clickEarningCount: z.number().int().meta({ description: 'CPC click earnings in the payout (one per UTC day × campaign)' }),
    clickCount: z.number().int().meta({ description: 'The clicks those earnings pay' }),
    clickAmountCents: MinorUnits.meta({ description: 'The click earnings’ part of `amountCents`' }),
    status: PayoutStatus,
    cutoff: Instant.meta({ description: 'Conversions up to this instant, and click earnings of days ending by it, were eligible' }),
    periodStart: Instant.nullable().meta({ description: 'The earliest conversion or click day paid' }),
    periodEnd: Instant.nullable().meta({ description: 'The latest conversion or click day paid' }),
    paidReference: z.string().nullable().meta({ description: 'The reference given when it was marked paid (bank transfer id, …)' }),
    createdAt: Instant,
    updatedAt: Instant,
    history: z.array(PayoutChange).meta({ description: 'Every status change, oldest first' }),
  })
  .meta({ id: 'Payout' });
export type Payout = z.infer<typeof Payout>;

/**
 * A payout line: one approved conversion (`kind: 'conversion'`), or one CPC
 * click earning (`kind: 'clicks'`): a UTC `day`'s paid `clicks` on a campaign.
 */
export const PayoutLine = z
  .strictObject({
    id: z.string(),
    kind: z.enum(['conversion', 'clicks']),
    conversionId: z.string().nullable().meta({ description: 'Conversion lines only' }),
    clickEarningId: z.string().nullable().meta({ description: 'Clicks lines only' }),
    day: z.string().nullable().meta({ description: 'Clicks lines only: the UTC day', example: '2026-12-05' }),
    clicks: z.number().int().nullable().meta({ description: 'Clicks lines only: the clicks paid' }),
    campaignId: ObjectId,
    campaignName: z.string().nullable().meta({ description: 'null if the campaign is gone' }),
    amountCents: MinorUnits.meta({ description: 'In the payout’s currency' }),
    convertedAt: Instant.meta({ description: 'When the conversion converted; for a clicks line the start of its UTC day' }),
  })
  .meta({ id: 'PayoutLine' });
export type PayoutLine = z.infer<typeof PayoutLine>;

export const PayoutPage = cursorPagedOf(Payout).meta({ id: 'PayoutPage' });
export type PayoutPage = z.infer<typeof PayoutPage>;

export const PayoutLinePage = cursorPagedOf(PayoutLine).meta({ id: 'PayoutLinePage' });
export type PayoutLinePage = z.infer<typeof PayoutLinePage>;

export const PayoutDetail = z.strictObject({ payout: Payout, lines: PayoutLinePage }).meta({ id: 'PayoutDetail' });
export type PayoutDetail = z.infer<typeof PayoutDetail>;

export const PayoutEnvelope = z.strictObject({ payout: Payout }).meta({ id: 'PayoutEnvelope' });
export type PayoutEnvelope = z.infer<typeof PayoutEnvelope>;

export const PayoutRunResult = z.strictObject({ run: JobRun.meta({ description: 'The finished run, with its counts' }) }).meta({ id: 'PayoutRunResult' });
export type PayoutRunResult = z.infer<typeof PayoutRunResult>;

/** Payouts are listed in createdAt order; a payout's lines in convertedAt order. */
export const PAYOUT_SORTS = ['createdAt'] as const;
export const PAYOUT_LINE_SORTS = ['convertedAt'] as const;

export const PayoutListQuery = z.strictObject({
  ...cursorPageQuery,
  ...sortQuery(PAYOUT_SORTS),
  status: PayoutStatus.optional(),
  affiliateId: ObjectId.optional().meta({ description: 'Admins: one affiliate’s payouts; affiliates may only name themselves' }),
  currency: z.string().toUpperCase().pipe(Currency).optional().meta({ description: 'Payouts in this currency (any case)', example: 'EUR' }),
  from: ListInstant.optional().meta({ description: 'Created (by its payout run) at or after' }),
  to: ListInstant.optional().meta({ description: 'Created before' }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv`: every matching payout (up to 50,000) as a CSV file, ignoring paging' }),
});
export type PayoutListQuery = z.input<typeof PayoutListQuery>;

export const PayoutLinesQuery = z.strictObject({ ...cursorPageQuery, ...sortQuery(PAYOUT_LINE_SORTS) });
export type PayoutLinesQuery = z.input<typeof PayoutLinesQuery>;

export const PayoutReviewBody = z.strictObject({
  note: z.string().trim().max(500).default('').meta({ description: 'Why, kept in the payout’s history' }),
  reference: z.string().trim().max(200).optional().meta({ description: 'Mark-paid only: the payment’s reference (bank transfer id, …)' }),
});
export type PayoutReviewBody = z.input<typeof PayoutReviewBody>;

/** Payouts one bulk request may approve. */
export const MAX_BULK_PAYOUTS = 100;

export const PayoutBulkApproveBody = z.strictObject({
  ids: z.array(ObjectId).min(1).max(MAX_BULK_PAYOUTS).meta({ description: `The payouts to approve (1 to ${MAX_BULK_PAYOUTS}; a repeated id counts once)` }),
  note: z.string().trim().max(500).default('').meta({ description: 'Why, kept in each approved payout’s history' }),
});
export type PayoutBulkApproveBody = z.input<typeof PayoutBulkApproveBody>;

export const PAYOUT_REFUSALS = ['not_found', 'not_allowed', 'busy', 'changed'] as const;

export const PayoutBulkResult = z
  .discriminatedUnion('outcome', [
    z.strictObject({ id: ObjectId, outcome: z.literal('approved'), status: z.literal('approved') }),
    z.strictObject({
      id: ObjectId,
      outcome: z.literal('refused'),
      reason: z.enum(PAYOUT_REFUSALS).meta({ description: '`not_found`: no such payout; `not_allowed`: not awaiting approval (see `status`); `busy`: being changed by another request; `changed`: changed meanwhile' }),
      message: z.string(),
      status: PayoutStatus.nullable().meta({ description: 'The payout’s status when refused for it; else null' }),
    }),
  ])
  .meta({ id: 'PayoutBulkResult', description: 'What became of one payout of a bulk approval' });
export type PayoutBulkResult = z.infer<typeof PayoutBulkResult>;

export const PayoutBulkApproveResult = z
  .strictObject({
    results: z.array(PayoutBulkResult).meta({ description: 'One per distinct id, in the order given' }),
    approved: z.number().int(),
    refused: z.number().int(),
  })
  .meta({ id: 'PayoutBulkApproveResult' });
export type PayoutBulkApproveResult = z.infer<typeof PayoutBulkApproveResult>;
