import type { Db } from 'mongodb';
import { insertNew } from '../db/insert-new';
import { clickPartition, partitionKey, type ClickDoc } from '../db/raw-events';

/**
 * Inserts click documents into their hourly partitions, all partitions at
 * once. Duplicate click ids (a retried or copied batch) are expected and
 * counted; any other failure throws once every partition has answered, and
 * the batch is retried.
 */
export async function storeClicks(db: Db, docs: ClickDoc[]): Promise<{ stored: number; duplicates: number }> {
  const byPartition = new Map<string, ClickDoc[]>();
  for (const d of docs) {
    const key = partitionKey(d.ts.getTime());
    const list = byPartition.get(key);
    if (list) list.push(d);
    else byPartition.set(key, [d]);
  }
  const results = await Promise.allSettled([...byPartition].map(async ([key, list]) => insertNew(await clickPartition(db, key), list)));
  let stored = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason;
    stored += r.value.stored;
    duplicates += r.value.existing.length;
  }
  return { stored, duplicates };
}
