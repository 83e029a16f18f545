import { z } from 'zod';
import { Instant, ObjectId, cursorPageQuery, cursorPagedOf, sortQuery } from './common';
import { hasMacroInOrigin, isValidUrlTemplate, MACROS_ONLY_IN_PATH, POSTBACK_MACROS } from './macros';

/* ---------- an affiliate's outbound postback (Offerly → affiliate) ---------- */

export const PostbackSettings = z
  .strictObject({
    url: z.string().nullable().meta({ description: 'The URL template called on each conversion event; null when none is set' }),
    enabled: z.boolean(),
    secret: z.string().nullable().meta({ description: 'Signs every call (signature and timestamp headers); created on the first save, null before' }),
  })
  .meta({ id: 'PostbackSettings' });
export type PostbackSettings = z.infer<typeof PostbackSettings>;

/**
 * The settings an affiliate saves. The server also refuses a host that is
 * obviously private (localhost, a private address literal); every call checks
 * the address again.
 */
export const PostbackSettingsBody = z
  .strictObject({
    url: z
      .string()
      .trim()
      .max(2048)
      .refine((s) => !hasMacroInOrigin(s), { message: MACROS_ONLY_IN_PATH, abort: true })
      .refine((s) => isValidUrlTemplate(s, POSTBACK_MACROS), {
        message: `must be an absolute http(s) URL; macros: ${POSTBACK_MACROS.map((m) => `{${m}}`).join(' ')}`,
      })
      .nullable()
      .meta({
        description: `Absolute http(s) URL called on each conversion event, with macros filled (only in the path, query or fragment): ${POSTBACK_MACROS.map((m) => `\`{${m}}\``).join(', ')}. null removes it.`,
      }),
    enabled: z.boolean(),
  })
  .refine((v) => !v.enabled || v.url !== null, { message: 'set a URL to enable outbound postbacks', path: ['url'] });
export type PostbackSettingsBody = z.input<typeof PostbackSettingsBody>;

/* ---------- the log of outbound calls ---------- */

export const DeliveryOutcome = z.enum(['delivered', 'failed', 'refused']).meta({
  id: 'DeliveryOutcome',
  description: '`delivered`: a 2xx answer; `failed`: another answer, a timeout or a network error; `refused`: not called (not an http(s) URL, or not a public address)',
});
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

export const Delivery = z
  .strictObject({
    id: ObjectId,
    conversionId: ObjectId.nullable().meta({ description: 'null for test calls' }),
    event: z.string().meta({ description: '`conversion.<status>`, or `test`', example: 'conversion.approved' }),
    url: z.string().meta({ description: 'The URL called, macros filled' }),
    attempt: z.number().int().meta({ description: 'Attempt number, from 1' }),
    outcome: DeliveryOutcome,
    httpStatus: z.number().int().nullable().meta({ description: 'The answer’s status; null when none came' }),
    error: z.string().nullable(),
    durationMs: z.number().nullable(),
    test: z.boolean(),
    at: Instant,
  })
  .meta({ id: 'Delivery' });
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryEnvelope = z.strictObject({ delivery: Delivery }).meta({ id: 'DeliveryEnvelope' });
export type DeliveryEnvelope = z.infer<typeof DeliveryEnvelope>;

export const DeliveryPage = cursorPagedOf(Delivery).meta({ id: 'DeliveryPage' });
export type DeliveryPage = z.infer<typeof DeliveryPage>;

export const DELIVERY_SORTS = ['at'] as const;

export const DeliveryListQuery = z.strictObject({ ...cursorPageQuery, ...sortQuery(DELIVERY_SORTS) });
export type DeliveryListQuery = z.input<typeof DeliveryListQuery>;
