import type { RequestHandler } from 'express';
import { apiKeySession } from '../../api-keys/key-session';
import { scopeRefusal } from '../../api-keys/scopes';
import { looksLikeApiKey } from '../../api-keys/secrets';
import { revokedKey } from '../../auth/revocation';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenMatches, sessionIsCurrent, verifySession } from '../../auth/tokens';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { decide, type Action } from '../../domain/permissions';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller from the session cookie or a Bearer token (a session
 * token or an API key). The user is re-read on every request so suspensions
 * and role changes apply at once.
 */
export function authenticate(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (bearer && looksLikeApiKey(bearer)) {
      req.session = (await apiKeySession(ctx, bearer)) ?? undefined;
      return next();
    }
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    if (!token) return next();
    const claims = verifySession(ctx.config.JWT_SECRET, token);
    if (!claims) return next();
    if (await ctx.redis.exists(revokedKey(ctx, claims.jti))) return next();
    const user = await ctx.models.User.findById(claims.sub).lean();
    // A password change, a reset or "sign out other sessions" moved the account to a newer generation.
    if (!user || user.role !== claims.role || !sessionIsCurrent(claims, user)) return next();
    req.session = {
      principal: { id: user._id, role: user.role, status: user.status },
      user: user as never,
      jti: claims.jti,
      exp: claims.exp,
      gen: claims.gen,
      via: bearer ? 'bearer' : 'cookie',
    };
    next();
  };
}

/**
 * Cookie-authenticated writes must carry the CSRF header; Bearer clients (session
 * tokens and API keys) are not exposed to CSRF because browsers never attach
 * that header on their own.
 */
export function csrfProtection(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    const s = req.session;
    if (!s || s.via !== 'cookie' || !UNSAFE.has(req.method)) return next();
    const presented = req.get(CSRF_HEADER);
    if (!csrfTokenMatches(ctx.config.JWT_SECRET, s.jti, presented)) {
      return next(new ApiError('csrf_failed', `Missing or invalid ${CSRF_HEADER} header`));
    }
    next();
  };
}

/** Browsers send Origin on cross-site writes; refuse any that is not ours. */
export function originCheck(allowed: string[]): RequestHandler {
  const origins = new Set(allowed.map((u) => new URL(u).origin));
  return (req, _res, next) => {
    const origin = req.get('origin');
    if (!origin || !UNSAFE.has(req.method)) return next();
    const self = `${req.protocol}://${req.get('host')}`;
    if (origin === self || origins.has(origin)) return next();
    next(new ApiError('csrf_failed', 'Cross-site request refused'));
  };
}

export function authorize(action: Action): RequestHandler {
  return (req, _res, next) => {
    const s = req.session;
    if (!s) return next(new ApiError('unauthenticated', 'Sign in first'));
    switch (decide(s.principal, action)) {
      case 'allow':
        // An API key's scope narrows what its account may do, never widens it.
        return next(s.apiKey ? scopeRefusal(s.apiKey.scope, action, req.method) : undefined);
      case 'deny_unapproved':
        return next(new ApiError('affiliate_not_approved', `Your affiliate account is ${s.principal.status}; an admin must approve it first`));
      case 'deny_inactive_advertiser':
        // One code for suspended and rejected alike: either way the account is read-only until an admin acts.
        return next(new ApiError('account_suspended', `Your advertiser account is ${s.principal.status}; it can look at its records but change nothing`));
      default:
        return next(new ApiError('forbidden', `The ${s.principal.role} role may not do this`));
    }
  };
}
