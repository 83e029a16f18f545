import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalServices, type LocalServices } from '../backend/src/services';
import { ensureSchemathesis } from '../backend/src/services/schemathesis-install';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
    redisUrl: string;
    mongoKind: string;
  }
}

let services: LocalServices | null = null;
let dataDir: string | null = null;

/**
 * Throwaway Redis and MongoDB-wire server for the test run, never the dev
 * data under .data/. TEST_MONGO_URL / TEST_REDIS_URL point the tests at
 * existing servers instead (e.g. a real mongod).
 */
export async function setup(project: TestProject): Promise<void> {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-test-'));
  services = await startLocalServices({
    dataDir,
    mongoUrl: process.env.TEST_MONGO_URL,
    redisUrl: process.env.TEST_REDIS_URL,
    log: (m) => console.log(`[test services] ${m}`),
  });
  project.provide('mongoUrl', services.mongoUrl);
  project.provide('redisUrl', services.redisUrl);
  project.provide('mongoKind', services.mongoKind);
  // The API contract test runs schemathesis; installed once per checkout, like FerretDB is built, so `npm test` needs nothing before it.
  if (project.name === 'server') ensureSchemathesis((m) => console.log(`[test services] ${m}`));
}

export async function teardown(): Promise<void> {
  await services?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
