import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { createApiApp } from '../src/http/app';
import { routeTable, withRouteTable } from '../src/http/route-table';
import { REPO_ROOT } from '../src/services/paths';
import { createTestContext, destroyTestContext } from './helpers/context';

/** docs/api.md's route table is generated from the route specs, so the API is documented by hand only once (its OpenAPI document). */
let ctx: AppContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await destroyTestContext(ctx);
});

describe('docs/api.md', () => {
  it('holds the route table generated from every route spec', () => {
    const file = path.join(REPO_ROOT, 'docs', 'api.md');
    const current = fs.readFileSync(file, 'utf8');
    const expected = withRouteTable(current, routeTable(createApiApp(ctx).routes));
    if (process.env.UPDATE_API_DOCS === '1') fs.writeFileSync(file, expected);
    expect(current, 'run UPDATE_API_DOCS=1 npx vitest run backend/test/api-docs.test.ts').toBe(expected);
  });
});
