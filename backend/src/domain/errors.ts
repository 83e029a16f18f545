import { ERROR_STATUS, type ErrorCode } from '@offerly/contract';

export type { ErrorCode };
const STATUS: Record<ErrorCode, number> = ERROR_STATUS;

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
