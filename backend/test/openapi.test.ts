import type { AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { createApiApp } from '../src/http/app';
import { defineRoute } from '../src/http/routes/types';
import { createTestContext, destroyTestContext } from './helpers/context';
import { startTrackingStack, type TrackingStack } from './helpers/tracking';

/** The API describes itself: an OpenAPI 3.1 document generated from the schemas its routes apply. */
let ctx: AppContext;
let stack: TrackingStack;

beforeAll(async () => {
  ctx = await createTestContext();
  stack = await startTrackingStack(ctx, { worker: false });
});

afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[]; description?: string }>> };

const fetchDoc = async (): Promise<Doc> => {
  const res = await fetch(`${stack.api.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
};

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = await fetchDoc();
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every route of the permission map, with its roles, auth and error answers', async () => {
    const doc = await fetchDoc();
    const { routes } = createApiApp(ctx);
    const missing: string[] = [];
    for (const r of routes) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method];
      if (!op) {
        missing.push(`${r.method.toUpperCase()} ${r.path}`);
        continue;
      }
      expect(op.responses['500'], r.path).toBeDefined();
      if (r.action !== 'public') {
        expect(op.responses['401'], r.path).toBeDefined();
        expect(op.security, r.path).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
        expect(op.description, r.path).toContain(`permission \`${r.action}\``);
      }
    }
    expect(missing).toEqual([]);
  });

  it('is browsable on a reference page served from the same origin, with no outside scripts', async () => {
    const page = await fetch(`${stack.api.url}/api/reference`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/api/reference/scalar.js', '/api/reference/init.js']);
    const bundle = await fetch(`${stack.api.url}/api/reference/scalar.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});

describe('response checks under test', () => {
  /** A route whose handler breaks its own contract, mounted on an app of its own. */
  const broken = defineRoute({
    method: 'get',
    path: '/api/test/broken',
    action: 'public',
    tag: 'Test',
    summary: 'Answers with a field its schema does not list',
    request: { query: z.strictObject({ extra: z.enum(['yes', 'no']).optional() }) },
    responses: { 200: z.strictObject({ n: z.number().int() }) },
  }).handle(async ({ query }) => (query.extra === 'yes' ? ({ n: 1, leaked: 'secret' } as never) : { n: 1 }));

  const call = async (path: string) => {
    const { app } = createApiApp(ctx, { extraRoutes: [broken] });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
      return { status: res.status, body: (await res.json()) as { n?: number; error?: { code: string; details?: Array<{ path: string }> } } };
    } finally {
      server.close();
    }
  };

  it('lets a response that matches its schema through', async () => {
    expect(await call('/api/test/broken')).toEqual({ status: 200, body: { n: 1 } });
  });

  it('turns a response with a field the contract does not list into a 500 naming it', async () => {
    const res = await call('/api/test/broken?extra=yes');
    expect(res.status).toBe(500);
    expect(res.body.error?.code).toBe('internal');
    expect(JSON.stringify(res.body.error?.details)).toContain('leaked');
  });

  it('validates the request with the declared schema before the handler runs', async () => {
    const res = await call('/api/test/broken?extra=maybe');
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.[0]?.path).toBe('extra');
  });
});
