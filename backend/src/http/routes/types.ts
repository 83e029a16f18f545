import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Action } from '../../domain/permissions';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One API route. `action` names its rule in the permission map (or 'public');
 * the app mounts authorize(action) in front of every handler.
 */
export interface RouteSpec {
  method: Method;
  path: string;
  action: Action | 'public';
  summary: string;
  handler: (req: Request, res: Response) => Promise<void> | void;
  /** Extra middleware mounted after authorization (e.g. a sub-app). */
  use?: RequestHandler;
  /**
   * Mount `use` at `path` for every method and sub-path (like app.use), behind
   * the same authorization; `method` is what the permission matrix probes.
   */
  mount?: boolean;
}

export const route = (method: Method, path: string, action: Action | 'public', summary: string, handler: RouteSpec['handler']): RouteSpec => ({
  method,
  path,
  action,
  summary,
  handler,
});

export const idParam = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id') }).strict();

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

export function paged<T>(items: T[], total: number, page: number, limit: number) {
  return { items, total, page, limit, pages: Math.max(1, Math.ceil(total / limit)) };
}

/** What a route that takes no query (or no body) accepts: nothing, so a misspelt parameter is a 400, not silently ignored. */
export const noInput = z.object({}).strict();
