import mongoose, { type Connection } from 'mongoose';
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

/** Creates every model's indexes; idempotent, run at start-up by each process. */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const m of Object.values(models)) {
    await m.createCollection().catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceExists') throw err;
    });
    await m.createIndexes();
  }
}

export { createModels, type Models };
