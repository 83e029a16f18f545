import { z } from 'zod';

/** Every error code the API answers with, and the HTTP status each one carries. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  bad_token: 401,
  forbidden: 403,
  csrf_failed: 403,
  affiliate_not_approved: 403,
  account_suspended: 403,
  ip_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

// Loose: a detail may carry more than its field and message (the password check adds its score and suggestions).
export const ErrorDetail = z.looseObject({ path: z.string(), message: z.string() });
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** The one error shape: `{ error: { code, message, details? } }`; details name bad fields, or carry facts such as `retryAfterSeconds`. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.union([z.array(ErrorDetail), z.record(z.string(), z.unknown())]).optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every 4xx and 5xx answer of the API' });
export type ErrorBody = z.infer<typeof ErrorBody>;
