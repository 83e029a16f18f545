import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '../domain/permissions';

export const SESSION_COOKIE = 'offerly_session';
export const CSRF_COOKIE = 'offerly_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionClaims {
  sub: string;
  role: Role;
  jti: string;
  exp: number;
}

export function signSession(secret: string, user: { id: string; role: Role }, expiresIn: string): { token: string; claims: SessionClaims } {
  const jti = crypto.randomBytes(12).toString('base64url');
  const token = jwt.sign({ role: user.role }, secret, {
    algorithm: 'HS256',
    subject: user.id,
    jwtid: jti,
    expiresIn: expiresIn as jwt.SignOptions['expiresIn'],
    issuer: 'offerly',
  });
  const claims = jwt.decode(token) as SessionClaims;
  return { token, claims };
}

export function verifySession(secret: string, token: string): SessionClaims | null {
  try {
    const c = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: 'offerly' }) as jwt.JwtPayload;
    if (typeof c.sub !== 'string' || typeof c.jti !== 'string' || typeof c.exp !== 'number') return null;
    if (c.role !== 'admin' && c.role !== 'advertiser' && c.role !== 'affiliate') return null;
    return { sub: c.sub, role: c.role, jti: c.jti, exp: c.exp };
  } catch {
    return null;
  }
}

/**
 * Signed double-submit CSRF token: bound to the session id, so a token planted
 * by another site or session does not validate.
 */
export function csrfTokenFor(secret: string, jti: string): string {
  return crypto.createHmac('sha256', secret).update(`csrf:${jti}`).digest('base64url');
}

export function csrfTokenMatches(secret: string, jti: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(secret, jti));
  const got = Buffer.from(presented);
  return expected.length === got.length && crypto.timingSafeEqual(expected, got);
}

/** Seconds in "7d", "12h", "15m", "30s". */
export function durationSeconds(spec: string): number {
  const m = /^(\d+)([smhd])$/.exec(spec);
  if (!m) throw new Error(`bad duration ${spec}`);
  const n = Number(m[1]);
  return n * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}
