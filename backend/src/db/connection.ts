import type { CreateIndexesOptions, Db } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { isFerretDb } from './group-sum';
import { createModels, type Models } from './models';

export async function connectMongo(url: string, dbName: string): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    dbName,
    autoIndex: false,
    autoCreate: false,
    maxPoolSize: 50,
    serverSelectionTimeoutMS: 10_000,
    retryWrites: false, // FerretDB and standalone mongod have no retryable writes
  });
  await conn.asPromise();
  return conn;
}

/**
 * Creates the models' indexes; idempotent, run at start-up by each process.
 * On MongoDB every index (the queries that remain use them). On FerretDB only
 * the unique ones: it answers nothing but `_id` equality from an index, so the
 * others would cost every insert and speed up no read; uniqueness it enforces.
 */
export async function ensureIndexes(models: Models, db: Db): Promise<void> {
  const ferret = await isFerretDb(db);
  for (const m of Object.values(models)) {
    await m.createCollection().catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceExists') throw err;
    });
    if (!ferret) await m.createIndexes();
    // One index per command: FerretDB 1.24 panics on a createIndexes naming several that all exist.
    else for (const [keys, options] of m.schema.indexes()) if (options.unique) await m.collection.createIndex(keys as Record<string, 1 | -1>, options as CreateIndexesOptions);
  }
}

export { createModels, type Models };
