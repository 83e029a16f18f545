import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { ErrorBody, NoInput } from '@offerly/contract';
import { PERMISSIONS } from '../domain/permissions';
import { SESSION_COOKIE } from '../auth/tokens';
import { requestSchemas, type RawResponse, type RouteSpec } from './routes/types';

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `details` names every bad field',
  401: 'Not signed in, or the session ended',
  403: 'The caller’s role, account status or API key scope does not allow this, or a cookie session’s write lacks its CSRF header',
  404: 'No such record, or not one the caller may see',
  409: 'Conflicts with the current state of the record',
  413: 'Request body over 100 kB',
  415: 'Body encoding not supported',
  422: 'Understood but not applicable',
  429: 'Too many requests: retry after `Retry-After` seconds',
  500: 'A fault on the server’s side (logged)',
  503: 'A storage service does not answer: retry after `Retry-After` seconds',
};

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** The error statuses any route of this kind can answer, plus those it declares. */
export function errorStatuses(spec: RouteSpec): number[] {
  const s = new Set([400, 500, 503, ...(spec.errors ?? [])]);
  if (spec.action !== 'public') [401, 403].forEach((c) => s.add(c));
  if (BODY_METHODS.has(spec.method)) [403, 413, 415].forEach((c) => s.add(c));
  if (spec.path.includes(':')) s.add(404);
  return [...s].sort((a, b) => a - b);
}

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function successResponse(status: number, r: z.ZodType | RawResponse) {
  if (r instanceof z.ZodType) return { description: `${status}`, content: { 'application/json': { schema: r } } };
  if (status === 204 || status === 302) return { description: r.description };
  const content = { [r.mediaType]: { schema: r.schema ?? z.string() } };
  for (const alt of r.alternatives ?? []) content[alt.mediaType] = { schema: alt.schema ?? z.string() };
  return { description: r.description, content };
}

function responsesOf(spec: RouteSpec): ZodOpenApiResponsesObject {
  const out: ZodOpenApiResponsesObject = {};
  for (const [status, r] of Object.entries(spec.responses)) out[status as '200'] = successResponse(Number(status), r);
  for (const status of errorStatuses(spec)) {
    out[String(status) as '400'] = { description: ERROR_TEXT[status] ?? String(status), content: { 'application/json': { schema: ErrorBody } } };
  }
  return out;
}

function rolesText(spec: RouteSpec): string {
  if (spec.action === 'public') return 'Public.';
  return `Roles: ${PERMISSIONS[spec.action].join(', ')} (permission \`${spec.action}\`).`;
}

function operationOf(spec: RouteSpec): ZodOpenApiOperationObject {
  const schemas = requestSchemas(spec);
  const hasParams = spec.path.includes(':');
  const op: ZodOpenApiOperationObject = {
    operationId: `${spec.method}${openApiPath(spec.path).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: spec.summary,
    description: [spec.description, rolesText(spec)].filter(Boolean).join('\n\n'),
    tags: [spec.tag],
    security: spec.action === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
    responses: responsesOf(spec),
  };
  const query = schemas.query === NoInput ? undefined : schemas.query;
  if (hasParams || query) op.requestParams = { ...(hasParams ? { path: schemas.params as z.ZodObject } : {}), ...(query ? { query: query as z.ZodObject } : {}) };
  if (schemas.body && schemas.body !== NoInput) op.requestBody = { required: true, content: { 'application/json': { schema: schemas.body } } };
  return op;
}

/** The OpenAPI 3.1 document of every declared route, generated from the same zod schemas the routes apply. */
export function openApiDocument(routes: RouteSpec[], serverUrl: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of routes) {
    const item = (paths[openApiPath(spec.path)] ??= {});
    item[spec.method] = operationOf(spec);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Offerly API',
      version: '1.0.0',
      description:
        'Affiliate tracking and payouts. Sign in with `POST /api/auth/login` and send the returned token, or an API key, as `Authorization: Bearer <token>` (or use the session cookie plus the `X-CSRF-Token` header on writes). Money is always an integer number of minor units with its currency. Errors are `{ error: { code, message, details? } }`.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token `POST /api/auth/login` returns, or an API key (`ofl_…`, see `POST /api/api-keys`)' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
    },
    paths,
  });
}
