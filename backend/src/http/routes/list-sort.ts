import { sortQuery } from '@offerly/contract';

export type SortOrder = 'asc' | 'desc';

/**
 * The order a server-paged list may be asked for. Only the listed fields are
 * accepted: on collections that grow with traffic (conversions, postbacks,
 * deliveries, payout lines) each one is backed by a compound index ending in
 * `_id` for every filter the endpoint takes, so a page is read in index order
 * instead of sorting the whole match; collections that grow with accounts
 * (users, campaigns, links, payouts, retention-pruned job runs) stay small
 * enough to sort in memory, where a limited sort keeps only one page.
 */
export interface ListSort<K extends string> {
  /** API name → stored field. */
  fields: Record<K, string>;
  /** The order when the request names none (the list's historical order). */
  default: { sort: NoInfer<K>; order: SortOrder };
}

export function listSort<K extends string>(spec: ListSort<K>): ListSort<K> {
  return spec;
}

/** `sort` (one of the spec's fields; anything else is a 400) and `order`, to spread into a list's query schema. */
export function sortParams<K extends string>(spec: ListSort<K>) {
  return sortQuery(Object.keys(spec.fields) as [K, ...K[]]);
}

/**
 * The MongoDB sort of a request: the field, then `_id` in the same direction,
 * so rows with equal values keep one order and no row appears on two pages.
 * A `sort` without `order` is ascending.
 */
export function mongoSort<K extends string>(spec: ListSort<K>, q: { sort?: K | undefined; order?: SortOrder | undefined }): Record<string, 1 | -1> {
  const sort = q.sort ?? spec.default.sort;
  const dir = listOrder(spec, q) === 'asc' ? 1 : -1;
  return { [spec.fields[sort]]: dir, _id: dir };
}

/** The direction of a request: its `order`; else ascending when it names a `sort`, the list's own order when neither. */
export function listOrder<K extends string>(spec: ListSort<K>, q: { sort?: K | undefined; order?: SortOrder | undefined }): SortOrder {
  return q.order ?? (q.sort === undefined ? spec.default.order : 'asc');
}
