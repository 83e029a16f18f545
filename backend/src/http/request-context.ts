import type { Request } from 'express';
import type { Principal } from '../domain/permissions';
import type { UserDoc } from '../db/models/user';

export interface Session {
  principal: Principal;
  user: UserDoc;
  jti: string;
  exp: number;
  via: 'cookie' | 'bearer';
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
