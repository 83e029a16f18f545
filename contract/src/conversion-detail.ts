import { z } from 'zod';
import { Instant, ObjectId } from './common';
import { Conversion } from './conversions';
import { PayoutStatus } from './payouts';
import { Postback } from './postbacks';

export const ConversionActor = z
  .strictObject({
    kind: z.enum(['admin', 'advertiser', 'affiliate', 'postback', 'system']).meta({
      description: 'An admin, the advertiser or the affiliate (a person); the advertiser’s postback; or a scheduled job (auto-approval, payout runs)',
    }),
    label: z.string().meta({ description: 'How the dashboard names it: the person’s name for admins, else the role (`Advertiser`, `Network`, `Automatic`, …)' }),
    userId: z.string().nullable().meta({ description: 'The account’s id; admins only (null for others and for postbacks and jobs)' }),
    email: z.string().nullable().meta({ description: 'The account’s email; admins only' }),
  })
  .meta({ id: 'ConversionActor', description: 'Who made a change, as much as the caller may know' });
export type ConversionActor = z.infer<typeof ConversionActor>;

export const ConversionDetailChange = z
  .strictObject({
    at: Instant,
    who: ConversionActor,
    from: z.string().nullable().meta({ description: 'Status before; null when the conversion was created' }),
    to: z.string(),
    reason: z.string().nullable(),
    note: z.string().meta({ description: 'For affiliates only a note the reviewer shared with them (else empty)' }),
    noteShared: z.boolean().meta({ description: 'The reviewer chose to show the note to the affiliate' }),
  })
  .meta({ id: 'ConversionDetailChange' });
export type ConversionDetailChange = z.infer<typeof ConversionDetailChange>;

export const ConversionDetailRefusal = z
  .strictObject({ at: Instant, who: ConversionActor, to: z.string(), reason: z.string(), note: z.string() })
  .meta({ id: 'ConversionDetailRefusal', description: 'A change refused because an admin had decided' });

export const ConversionClick = z
  .strictObject({
    id: z.string(),
    at: Instant,
    linkId: z.string().meta({ description: 'The affiliate’s tracking link' }),
    valid: z.boolean(),
    invalidReason: z.string().nullable(),
    sub1: z.string().nullable(),
    sub2: z.string().nullable(),
    sub3: z.string().nullable(),
    sub4: z.string().nullable(),
    sub5: z.string().nullable(),
    deepLink: z.string().nullable(),
    visitor: z.string().nullable().meta({ description: 'The visitor’s key (a salted hash; no IP address is stored). Null for affiliates' }),
    userAgent: z.string().nullable().meta({ description: 'Null for affiliates' }),
    country: z.string().nullable().meta({ description: 'ISO 3166-1 alpha-2 (`ZZ` unknown); null for affiliates and on older clicks' }),
    device: z.string().nullable().meta({ description: 'desktop, mobile, tablet, tv, bot or unknown; null for affiliates and on clicks stored before classification' }),
    os: z.string().nullable().meta({ description: 'Null for affiliates and on clicks stored before classification' }),
    browser: z.string().nullable().meta({ description: 'Null for affiliates and on clicks stored before classification' }),
    referer: z.string().nullable().meta({ description: 'Null for affiliates or when the browser sent none' }),
  })
  .meta({ id: 'ConversionClick', description: 'The click the conversion is attributed to' });
export type ConversionClick = z.infer<typeof ConversionClick>;

export const ConversionPayoutRef = z
  .strictObject({ id: ObjectId, status: PayoutStatus.or(z.literal('building')), periodEnd: Instant.nullable() })
  .meta({ id: 'ConversionPayoutRef', description: 'The payout that holds the conversion' });

export const ConversionDetail = z
  .strictObject({
    conversion: Conversion,
    click: ConversionClick.nullable().meta({ description: 'null once the click’s raw events are purged' }),
    history: z.array(ConversionDetailChange).meta({ description: 'Every status change, oldest first' }),
    refusedChanges: z.array(ConversionDetailRefusal).optional().meta({ description: 'Absent for affiliates' }),
    postbacks: z.array(Postback).optional().meta({
      description: 'Every inbound postback that touched it (created it, changed its status, or was refused as its duplicate), oldest first; at most the last 50. Absent for affiliates',
    }),
    postbacksComplete: z.boolean().meta({
      description: 'false for conversions stored before postback ids were kept: their list holds the creating postback and the status changes, not refused duplicates',
    }),
    payout: ConversionPayoutRef.nullable(),
  })
  .meta({ id: 'ConversionDetail' });
export type ConversionDetail = z.infer<typeof ConversionDetail>;
