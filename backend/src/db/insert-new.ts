import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { isDuplicateKey } from './duplicate-key';

interface WriteErrorLike {
  code?: number;
  index?: number;
}

/**
 * Inserts documents unordered and tells which of them existed already (by
 * their index in `docs`). Any error but a duplicate key is thrown. Every
 * document must be accounted for as stored or existing: FerretDB shutting
 * down acknowledges an insert it did not apply (a short count, no error), so
 * such an answer is thrown too and the caller retries.
 */
export async function insertNew<T extends Document>(col: Collection<T>, docs: T[]): Promise<{ stored: number; existing: number[] }> {
  if (docs.length === 0) return { stored: 0, existing: [] };
  let stored: number;
  let existing: number[] = [];
  try {
    stored = (await col.insertMany(docs as OptionalUnlessRequiredId<T>[], { ordered: false })).insertedCount;
  } catch (err) {
    const raw = (err as { writeErrors?: WriteErrorLike | WriteErrorLike[] }).writeErrors;
    if (!raw) throw err;
    const errors = Array.isArray(raw) ? raw : [raw];
    if (!errors.every(isDuplicateKey)) throw err;
    existing = errors.map((e) => e.index ?? -1);
    stored = (err as { insertedCount?: number }).insertedCount ?? docs.length - existing.length;
  }
  if (stored + existing.length !== docs.length) {
    throw new Error(`the database acknowledged ${stored} new and ${existing.length} existing documents of ${docs.length} in ${col.collectionName}; retry`);
  }
  return { stored, existing };
}
