import { createRequire } from 'node:module';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { openApiDocument } from '../openapi';
import { defineRoute, type RouteSpec } from './types';

const require = createRequire(import.meta.url);
const SCALAR_BUNDLE = require.resolve('@scalar/api-reference/browser/standalone.js');

// No inline script (the API's CSP allows only 'self'); no web fonts or proxy, so the page works offline.
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Offerly API reference</title></head>
<body><div id="reference"></div>
<script src="/api/reference/scalar.js"></script>
<script src="/api/reference/init.js"></script>
</body>
</html>`;

const INIT = `Scalar.createApiReference('#reference', { url: '/api/openapi.json', withDefaultFonts: false, hideClientButton: true, telemetry: false, agent: { disabled: true }, showDeveloperTools: 'never' });`;

/** The OpenAPI document and a browsable reference of it, served from the API's (and dashboard's) origin. */
export function apiDocsRoutes(_ctx: AppContext, routes: () => RouteSpec[]): RouteSpec[] {
  let doc: unknown = null;
  return [
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      action: 'public',
      tag: 'Reference',
      summary: 'This API’s OpenAPI 3.1 document, generated from the schemas the routes apply',
      responses: { 200: { mediaType: 'application/json', description: 'OpenAPI 3.1 document', schema: z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string() }), paths: z.record(z.string(), z.unknown()) }) } },
    }).handle(async ({ res }) => {
      doc ??= openApiDocument(routes(), '/');
      res.json(doc);
    }),
    defineRoute({
      method: 'get',
      path: '/api/reference',
      action: 'public',
      tag: 'Reference',
      summary: 'A browsable reference of the OpenAPI document',
      responses: { 200: { mediaType: 'text/html', description: 'HTML page' } },
    }).handle(async ({ res }) => {
      res.type('html').send(PAGE);
    }),
    defineRoute({
      method: 'get',
      path: '/api/reference/scalar.js',
      action: 'public',
      tag: 'Reference',
      summary: 'The reference page’s renderer, served locally',
      responses: { 200: { mediaType: 'text/plain', description: 'JavaScript' } },
    }).handle(async ({ res }) => {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.type('application/javascript').sendFile(SCALAR_BUNDLE);
    }),
    defineRoute({
      method: 'get',
      path: '/api/reference/init.js',
      action: 'public',
      tag: 'Reference',
      summary: 'Starts the renderer on the reference page',
      responses: { 200: { mediaType: 'text/plain', description: 'JavaScript' } },
    }).handle(async ({ res }) => {
      res.type('application/javascript').send(INIT);
    }),
  ];
}
