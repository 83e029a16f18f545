import type { Collection, Document, WithId } from 'mongodb';

const CONCURRENCY = 64;

/**
 * Documents by `_id`, one `findOne` each, at most 64 in flight: the embedded
 * server answers `{ _id: value }` from its index but reads the whole
 * collection for `_id: { $in: [...] }`. Missing ones are left out; the order
 * of `ids` is kept.
 */
export async function findEachById<T extends Document>(col: Collection<T>, ids: readonly string[], projection?: Document): Promise<Array<WithId<T>>> {
  const out: Array<WithId<T>> = [];
  for (let i = 0; i < ids.length; i += CONCURRENCY) {
    const docs = await Promise.all(ids.slice(i, i + CONCURRENCY).map((_id) => col.findOne({ _id } as never, projection ? { projection } : {})));
    for (const d of docs) if (d) out.push(d);
  }
  return out;
}
