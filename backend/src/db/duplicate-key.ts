/** MongoDB's error code for a write that collides with an existing unique key. */
const DUPLICATE_KEY = 11000;

interface WriteErrorLike {
  code?: number;
}

/**
 * Whether a write failed only on duplicate keys: a single write's error with
 * that code, or a bulk write whose every write error has it (one other error
 * among them is a real failure, even when the first error is a duplicate).
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as (WriteErrorLike & { writeErrors?: WriteErrorLike[] | WriteErrorLike }) | null | undefined;
  const w = e?.writeErrors;
  const writeErrors = w === undefined ? [] : Array.isArray(w) ? w : [w];
  if (writeErrors.length > 0) return writeErrors.every((x) => x.code === DUPLICATE_KEY);
  return e?.code === DUPLICATE_KEY;
}

/** Runs an idempotent upsert again once: two first upserts of one `_id` race on MongoDB, and the loser finds the document now. */
export async function upsertRetrying<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return write();
  }
}
