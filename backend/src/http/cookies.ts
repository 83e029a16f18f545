import type { Response } from 'express';
import { CSRF_COOKIE, SESSION_COOKIE, csrfTokenFor, type SessionClaims } from '../auth/tokens';
import type { Config } from '../config';

function secure(config: Config): boolean {
  return config.NODE_ENV === 'production' || config.PUBLIC_TRACKING_URL.startsWith('https:');
}

/** Session in an httpOnly SameSite=Lax cookie; the CSRF token in a readable one for the SPA to echo. */
export function setSessionCookies(res: Response, config: Config, token: string, claims: SessionClaims): string {
  const maxAge = Math.max(0, claims.exp * 1000 - Date.now());
  const csrf = csrfTokenFor(config.JWT_SECRET, claims.jti);
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: secure(config), path: '/', maxAge });
  res.cookie(CSRF_COOKIE, csrf, { httpOnly: false, sameSite: 'lax', secure: secure(config), path: '/', maxAge });
  return csrf;
}

export function clearSessionCookies(res: Response, config: Config): void {
  res.clearCookie(SESSION_COOKIE, { path: '/', sameSite: 'lax', secure: secure(config), httpOnly: true });
  res.clearCookie(CSRF_COOKIE, { path: '/', sameSite: 'lax', secure: secure(config) });
}
