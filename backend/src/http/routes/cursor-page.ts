import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../db/list-buckets';

/**
 * Query parameters of a list read through day buckets (keyset pagination):
 * `cursor` is the previous answer's `nextCursor`. Page numbers cannot be
 * served without counting rows: `page=1` (what older clients send first) is
 * accepted, any other page is a 400 naming `page`.
 */
export const cursorQuery = {
  page: z.coerce.number().int().min(1).max(1, 'this list is paged with `cursor` (the previous answer’s nextCursor), not page numbers').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .max(300)
    .transform((s, c) => {
      const position = decodeCursor(s);
      if (position === null) c.addIssue({ code: 'custom', message: 'not a cursor this list gave out' });
      return position ?? '';
    })
    .optional(),
};

/** A keyset page: `total` null when no counter answers the filters; `page`/`pages` stay (null) for older clients. */
export function cursorPaged<T>(items: T[], total: number | null, limit: number, next: string | null) {
  return { items, total, limit, nextCursor: next === null ? null : encodeCursor(next), page: null, pages: null };
}
