import { z } from 'zod';

/** Ids of stored records: 24 lowercase hex characters. */
export const ObjectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id').meta({ id: 'ObjectId', example: '6750b2d4c1f0a3e9d2b4a7c1' });
/** Instants travel as ISO 8601 strings in UTC. */
export const Instant = z.string().meta({ format: 'date-time', example: '2026-12-05T14:00:00.000Z' });
export const Currency = z.string().regex(/^[A-Z]{3}$/).meta({ description: 'ISO 4217 code', example: 'USD' });
/** Money is an integer number of the currency's minor units (cents for USD), never a float. */
export const MinorUnits = z.number().int().meta({ description: 'integer minor units of the currency' });

export const ROLES = ['admin', 'advertiser', 'affiliate'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
export const USER_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export const UserStatus = z.enum(USER_STATUSES);
export type UserStatus = z.infer<typeof UserStatus>;

export const IdParams = z.object({ id: ObjectId }).strict();
/** What a route that takes no query (or no body) accepts: nothing, so a misspelt parameter is a 400. */
export const NoInput = z.object({}).strict();

export const SortOrder = z.enum(['asc', 'desc']);

/** A list paged by page number, with its total. */
export const pagedOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), limit: z.number().int(), pages: z.number().int() });
export type Paged<T> = { items: T[]; total: number; page: number; limit: number; pages: number };

/**
 * A list paged by cursor (keyset): `nextCursor` asks for the next page (null at
 * the end); `total` is null when no counter answers the filters; `page` and
 * `pages` stay, always null, for older clients.
 */
export const cursorPagedOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int().nullable(), limit: z.number().int(), nextCursor: z.string().nullable(), page: z.null(), pages: z.null() });
export type CursorPaged<T> = { items: T[]; total: number | null; limit: number; nextCursor: string | null; page: null; pages: null };

/** Page-number paging parameters. */
export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

/** A list's date bound: a day (`2026-12-05`, its start in UTC) or an instant with its offset. */
export const ListInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((s) => new Date(s))
  .meta({ description: 'An ISO 8601 instant with offset, or a day (its start in UTC)', example: '2026-12-05' });

/** A position in a list paged by cursor: the previous answer's `nextCursor`, opaque to clients. */
export const CursorToken = z.string().max(300).meta({ description: 'The previous answer’s `nextCursor`; leave out for the first page' });

/**
 * Query parameters of a list paged by cursor (keyset). Page numbers cannot be
 * served without counting rows: `page=1` (what older clients send first) is
 * accepted, any other page is a 400 naming `page`.
 */
export const cursorPageQuery = {
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(1, 'this list is paged with `cursor` (the previous answer’s nextCursor), not page numbers')
    .optional()
    .meta({ description: 'Only `1` is accepted (kept for older clients); page on with `cursor`' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: CursorToken.optional(),
};

/** `sort` (one of the list's sortable fields; anything else is a 400) and `order`, to spread into a list's query schema. */
export const sortQuery = <K extends string>(fields: readonly [K, ...K[]]) => ({
  sort: z.enum(fields).optional().meta({ description: 'Field to order by; the list’s own order when left out' }),
  order: SortOrder.optional().meta({ description: 'Direction; with `sort` alone ascending, with neither the list’s own order' }),
});

