import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ErrorBody } from '@offerly/contract';
import type { Logger } from '../../logger';
import { requestSchemas, type RouteSpec } from '../routes/types';
import { parse, zodDetails } from './validate';

/** The one validation step: params, query and body against the route's schemas, typed for its handler in res.locals.input. */
export function validateRequest(spec: RouteSpec): RequestHandler {
  const schemas = requestSchemas(spec);
  return (req, res, next) => {
    res.locals.input = {
      params: parse(schemas.params, req.params, 'params'),
      query: parse(schemas.query, req.query, 'query'),
      body: schemas.body ? parse(schemas.body, req.body, 'body') : undefined,
      principal: req.session?.principal,
    };
    next();
  };
}

/** The schema a JSON answer with this status must match, or null when the route does not declare the status. */
function schemaFor(spec: RouteSpec, status: number): z.ZodType | null {
  if (status >= 400) return ErrorBody;
  const declared = spec.responses[status as keyof RouteSpec['responses']];
  if (!declared) return null;
  if (declared instanceof z.ZodType) return declared;
  // A raw answer without a schema (the OpenAPI document itself) is not checked further.
  return declared.schema ?? z.unknown();
}

/**
 * Checks every JSON answer against the route's declared response schema (tests
 * run with it on, so every API test also tests the contract). A mismatch is
 * answered as a 500 naming the fields, which fails the test that made it.
 */
export function checkResponses(spec: RouteSpec, log: Logger): RequestHandler {
  return (_req, res, next) => {
    const send = res.json.bind(res) as Response['json'];
    res.json = (body: unknown) => {
      const schema = schemaFor(spec, res.statusCode);
      const result = schema ? schema.safeParse(body) : null;
      if (result?.success) return send(body);
      const details = result ? zodDetails(result.error) : [{ path: '(status)', message: `${res.statusCode} is not a declared response` }];
      log.error({ route: `${spec.method.toUpperCase()} ${spec.path}`, status: res.statusCode, details }, 'response does not match its schema');
      res.status(500);
      return send({ error: { code: 'internal', message: `Response does not match the contract of ${spec.method.toUpperCase()} ${spec.path}`, details } });
    };
    next();
  };
}
