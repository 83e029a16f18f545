import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

/**
 * Write ops per bulkWrite: FerretDB 1.24 stalls on update/delete batches of
 * 100 statements or more (inserts are not affected), so batches stay below.
 */
const WRITE_CHUNK = 50;

/** An unordered bulkWrite of any length, sent in batches every MongoDB-wire server completes; returns how many documents it deleted. */
export async function bulkWriteInChunks<T extends Document>(col: Collection<T>, ops: AnyBulkWriteOperation<T>[]): Promise<{ deletedCount: number }> {
  let deletedCount = 0;
  for (let i = 0; i < ops.length; i += WRITE_CHUNK) deletedCount += (await col.bulkWrite(ops.slice(i, i + WRITE_CHUNK), { ordered: false })).deletedCount;
  return { deletedCount };
}
