import type { z } from 'zod';
import { CursorToken, cursorPageQuery, type CursorPaged } from '@offerly/contract';
import { decodeCursor, encodeCursor } from '../../db/list-buckets';

/**
 * Query parameters of a list read through day buckets (keyset pagination),
 * the contract's `cursorPageQuery` with `cursor` decoded to its position (a
 * cursor this server did not give out is a 400 naming `cursor`).
 */
export const cursorQuery = {
  ...cursorPageQuery,
  cursor: CursorToken.transform((s, c) => {
    const position = decodeCursor(s);
    if (position === null) c.addIssue({ code: 'custom', message: 'not a cursor this list gave out' });
    return position ?? '';
  }).optional(),
};

/** A contract list query with its `cursor` decoded (see cursorQuery). */
export const withCursor = <Shape extends z.core.$ZodShape, Config extends z.core.$ZodObjectConfig>(schema: z.ZodObject<Shape, Config>) =>
  schema.extend({ cursor: cursorQuery.cursor });

/** A keyset page: `total` null when no counter answers the filters; `page`/`pages` stay (null) for older clients. */
export function cursorPaged<T>(items: T[], total: number | null, limit: number, next: string | null): CursorPaged<T> {
  return { items, total, limit, nextCursor: next === null ? null : encodeCursor(next), page: null, pages: null };
}
