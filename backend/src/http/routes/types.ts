import type { Request, RequestHandler, Response } from 'express';
import { type z } from 'zod';
import { IdParams, NoInput } from '@offerly/contract';
import type { Action, Principal } from '../../domain/permissions';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The parts of a request a route declares; each is validated before its handler runs. */
export interface RouteRequest {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** A non-JSON answer (CSV export, HTML page, Prometheus text), described for the OpenAPI document. */
export interface RawResponse {
  mediaType: 'text/csv' | 'text/html' | 'text/plain' | 'application/json';
  description: string;
  schema?: z.ZodType;
  /** Further media types the same status may answer in (a report's JSON, or its CSV with `format=csv`). */
  alternatives?: RawResponse[];
}

/** A JSON answer (checked against `schema`) that may come as CSV instead: one status, both media types. */
export function jsonOrCsv<S extends z.ZodType>(schema: S, description: string, csv: string): RawResponse & { schema: S } {
  return { mediaType: 'application/json', description, schema, alternatives: [{ mediaType: 'text/csv', description: csv }] };
}

/** Success statuses and what each carries: a zod schema of the JSON body, or a raw media type. */
export type Responses = Partial<Record<200 | 201 | 202 | 204 | 302, z.ZodType | RawResponse>>;

/**
 * One API route: method, path, the action of the permission map that guards it
 * (or 'public'), the schemas of its request and responses, and its handler.
 * The app mounts authorize(action) and one validation step in front of every
 * handler; the OpenAPI document is generated from the same specs.
 */
export interface RouteSpec {
  method: Method;
  path: string;
  action: Action | 'public';
  summary: string;
  description?: string;
  tag: string;
  request?: RouteRequest;
  responses: Responses;
  /** Error statuses beyond those every route can answer (see openapi.ts: defaultErrors). */
  errors?: number[];
  /** Receives the validated request (in res.locals.input); answers with res. */
  handler: (req: Request, res: Response) => Promise<void> | void;
  /** Extra middleware mounted after authorization (e.g. a sub-app). */
  use?: RequestHandler;
  /**
   * Mount `use` at `path` for every method and sub-path (like app.use), behind
   * the same authorization; `method` is what the permission matrix probes.
   */
  mount?: boolean;
}

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type JsonOf<R> = R extends z.ZodType ? z.input<R> : R extends { schema: infer S extends z.ZodType } ? z.input<S> : never;
/** What a handler may return: the JSON body of one of its success statuses (or nothing when it answered itself). */
export type ReplyOf<R extends Responses> = { [K in keyof R]: JsonOf<R[K]> }[keyof R];

export interface RouteInput<Q extends RouteRequest> {
  params: Out<Q['params']>;
  query: Out<Q['query']>;
  body: Out<Q['body']>;
  /** The signed-in caller; only read it in routes behind an action. */
  principal: Principal;
  req: Request;
  res: Response;
}

export interface RouteDefinition<Q extends RouteRequest, R extends Responses> {
  method: Method;
  path: string;
  action: Action | 'public';
  summary: string;
  description?: string;
  tag: string;
  request?: Q;
  responses: R;
  errors?: number[];
}

/** Returns the JSON body (sent with the first success status unless it set another), or answers through `res` itself. */
export type RouteHandler<Q extends RouteRequest, R extends Responses> = (input: RouteInput<Q>) => Promise<ReplyOf<R> | void>;

const BODY_METHODS = new Set<Method>(['post', 'put', 'patch', 'delete']);

/** The request schemas a route applies: what it declares, and "nothing" for what it leaves out, so a stray parameter is a 400. */
export function requestSchemas(spec: Pick<RouteSpec, 'method' | 'path' | 'request'>): { params: z.ZodType; query: z.ZodType; body: z.ZodType | null } {
  const r = spec.request ?? {};
  const names = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  let params = r.params;
  if (!params) {
    if (names.length === 0) params = NoInput;
    else if (names.length === 1 && names[0] === 'id') params = IdParams;
    else throw new Error(`${spec.method.toUpperCase()} ${spec.path}: declare request.params for ${names.join(', ')}`);
  }
  return { params, query: r.query ?? NoInput, body: r.body ?? (BODY_METHODS.has(spec.method) ? NoInput : null) };
}

export function firstSuccessStatus(responses: Responses): number {
  const statuses = Object.keys(responses).map(Number).sort((a, b) => a - b);
  return statuses[0] ?? 200;
}

/**
 * Declares a route with typed, validated input; see RouteSpec. Two steps
 * (`defineRoute(spec).handle(fn)`) so the response types are fixed before the
 * handler is checked against them (in one call TypeScript widens its literals).
 */
export function defineRoute<Q extends RouteRequest, R extends Responses>(def: RouteDefinition<Q, R>) {
  return {
    handle(handler: RouteHandler<Q, R>): RouteSpec {
      const status = firstSuccessStatus(def.responses);
      return {
        ...def,
        handler: async (req, res) => {
          const input = res.locals.input as Omit<RouteInput<Q>, 'req' | 'res'>;
          const reply = await handler({ ...input, req, res });
          if (reply === undefined || res.headersSent) return;
          if (res.statusCode === 200) res.status(status);
          res.json(reply);
        },
      };
    },
  };
}

export const idParam = IdParams;
export const noInput = NoInput;

export { pageQuery } from '@offerly/contract';

export function paged<T>(items: T[], total: number, page: number, limit: number) {
  return { items, total, page, limit, pages: Math.max(1, Math.ceil(total / limit)) };
}
