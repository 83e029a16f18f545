export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_failed'
  | 'affiliate_not_approved'
  | 'account_suspended'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'bad_token'
  | 'ip_not_allowed'
  | 'service_unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  affiliate_not_approved: 403,
  account_suspended: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  bad_token: 401,
  ip_not_allowed: 403,
  internal: 500,
  service_unavailable: 503,
};

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error whose code, message and details are safe to show to the caller. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[] | Record<string, unknown>,
  ) {
    super(message);
    this.status = STATUS[code];
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this') => new ApiError('forbidden', message);
export const conflict = (message: string, details?: Record<string, unknown>) => new ApiError('conflict', message, details);
