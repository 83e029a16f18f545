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
  /** The account's session generation when the token was issued; a token of an older one is refused. */
  gen: number;
}

export function signSession(secret: string, user: { id: string; role: Role; gen?: number | undefined }, expiresIn: string): { token: string; claims: SessionClaims } {
  const jti = crypto.randomBytes(12).toString('base64url');
  const token = jwt.sign({ role: user.role, gen: user.gen ?? 0 }, secret, {
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
    // Tokens issued before generations existed carry none: they belong to generation 0.
    const gen = typeof c.gen === 'number' && Number.isInteger(c.gen) ? c.gen : 0;
    return { sub: c.sub, role: c.role, jti: c.jti, exp: c.exp, gen };
  } catch {
    return null;
  }
}

/**
 * Signed double-submit CSRF token: bound to the session id, so a token planted
 * by another site or session does not validate.
 */
/** Whether a session of this generation is still current for the account. */
export const sessionIsCurrent = (claims: Pick<SessionClaims, 'gen'>, user: { sessionGeneration?: number | null | undefined }) => claims.gen === (user.sessionGeneration ?? 0);

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
