import type { Request } from 'express';
import type { ApiKeyScope } from '@offerly/contract';
import type { Principal } from '../domain/permissions';
import type { UserDoc } from '../db/models/user';

export interface Session {
  principal: Principal;
  user: UserDoc;
  /** The session token's id; `key:<id>` for an API key. */
  jti: string;
  /** When the session token expires (seconds); 0 for an API key, which lasts until revoked. */
  exp: number;
  /** The session token's generation (see auth/tokens); 0 for an API key. */
  gen?: number;
  via: 'cookie' | 'bearer' | 'api_key';
  /** The key a request authenticated with (via `api_key`): its scope narrows what the account may do. */
  apiKey?: { id: string; scope: ApiKeyScope; prefix: string; name: string };
}

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}

/** The signed-in principal; routes behind `authorize` can rely on it. */
export function principalOf(req: Request): Principal {
  if (!req.session) throw new Error('route used principalOf without authorize()');
  return req.session.principal;
}

export function sessionOf(req: Request): Session {
  if (!req.session) throw new Error('route used sessionOf without authorize()');
  return req.session;
}
