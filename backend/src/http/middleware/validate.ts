import type { z } from 'zod';
import { ApiError, type ErrorDetail } from '../../domain/errors';

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/** Parses one part of a request; a mismatch becomes a 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const res = schema.safeParse(value ?? {});
  if (!res.success) {
    throw new ApiError('validation_failed', `Invalid request ${where}`, zodDetails(res.error));
  }
  return res.data;
}
