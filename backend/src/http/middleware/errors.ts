import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { isDuplicateKey } from '../../db/duplicate-key';
import { ApiError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { zodDetails } from './validate';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** What the MongoDB driver and ioredis throw when their server cannot be reached. */
const OUTAGE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MaxRetriesPerRequestError',
]);

/** A database or Redis outage is not the caller's fault nor a bug: 503, retry later. */
export function isServiceOutage(err: unknown): boolean {
  const e = err as Error | undefined;
  return !!e && (OUTAGE_ERRORS.has(e.name) || OUTAGE_ERRORS.has(e.constructor?.name) || e.message === 'Connection is closed.');
}

export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Maps anything thrown by a route to the `{ error: { code, message, details } }` shape. */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (isServiceOutage(err)) {
    return new ApiError('service_unavailable', 'A storage service is unreachable right now; retry shortly', { retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
  }
  if (err instanceof ZodError) return new ApiError('validation_failed', 'Invalid request', zodDetails(err));
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new ApiError('validation_failed', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new ApiError('payload_too_large', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('unsupported_media_type', 'Unsupported body encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'parameters.too.many':
      return new ApiError('validation_failed', 'Malformed request body');
  }
  if (isDuplicateKey(err)) return new ApiError('conflict', 'A record with the same key already exists');
  if (e instanceof URIError) return new ApiError('validation_failed', 'Malformed URL encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError('validation_failed', 'Malformed request');
  }
  return null;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const apiErr = toApiError(err);
    if (res.headersSent) return;
    if (apiErr) {
      if ((apiErr.code === 'rate_limited' || apiErr.code === 'service_unavailable') && apiErr.details && 'retryAfterSeconds' in apiErr.details) {
        res.setHeader('Retry-After', String(apiErr.details.retryAfterSeconds));
      }
      if (apiErr.code === 'service_unavailable') log.warn({ err, method: req.method, url: req.originalUrl }, 'storage service unavailable');
      res.status(apiErr.status).json(apiErr.toJSON());
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
};
