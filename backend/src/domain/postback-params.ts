import { z } from 'zod';
import { CONVERSION_STATUSES } from './attribution';

/**
 * Parameters of an inbound (advertiser → Offerly) postback. Advertisers'
 * servers fill URL templates, so empty values mean "not sent" and unknown
 * parameters are ignored rather than refused.
 */
export const POSTBACK_PARAM_NAMES = ['click_id', 'txn_id', 'amount', 'currency', 'status', 'token'] as const;
export type PostbackParamName = (typeof POSTBACK_PARAM_NAMES)[number];

/** No control, format or unassigned characters. */
const PRINTABLE = /^[^\p{C}]*$/u;
const printable = (max: number) => z.string().trim().max(max).regex(PRINTABLE, 'must be printable text');

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const postbackParamsSchema = z.object({
  click_id: printable(64).min(1, 'is required'),
  txn_id: optional(printable(128)),
  amount: optional(z.string().trim().regex(/^\d{1,12}(\.\d{1,6})?$/, 'must be a decimal number such as 19.99')),
  currency: optional(z.string().trim().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter currency code').transform((s) => s.toUpperCase())),
  status: optional(z.string().trim().toLowerCase().pipe(z.enum(CONVERSION_STATUSES))),
  token: optional(printable(128)),
});

export type PostbackParams = z.infer<typeof postbackParamsSchema>;

/**
 * Picks the known parameters from the query string and the body (the body
 * wins). JSON numbers are read as their decimal text; anything else that is
 * not a string is passed on so the schema refuses it.
 */
export function mergePostbackParams(query: unknown, body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of [query, body]) {
    if (!source || typeof source !== 'object' || Array.isArray(source)) continue;
    for (const name of POSTBACK_PARAM_NAMES) {
      if (!Object.prototype.hasOwnProperty.call(source, name)) continue;
      const v = (source as Record<string, unknown>)[name];
      if (v === undefined) continue;
      out[name] = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
    }
  }
  return out;
}

/** The parameters as stored on the postback: only those sent, as strings. */
export function storedParams(p: PostbackParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of POSTBACK_PARAM_NAMES) {
    const v = p[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Tokens are secrets: views show only their start. */
export function maskToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  return token.length <= 4 ? '…' : `${token.slice(0, 4)}…`;
}
