import type { Response } from 'express';
import { CurrentUser, LoginBody, RegisterBody, SignedIn, SignedOut } from '@offerly/contract';
import { LoginLimiter } from '../../auth/login-limiter';
import { assertStrongPassword, preloadPasswordStrength } from '../../auth/password-strength';
import { RegisterLimiter } from '../../auth/register-limiter';
import { signIn } from '../../auth/sign-in';
import { csrfTokenFor, signSession } from '../../auth/tokens';
import { registerUser } from '../../accounts/accounts';
import { userView } from '../../accounts/views';
import type { AppContext } from '../../context';
import { clearSessionCookies, setSessionCookies } from '../cookies';
import { disconnectSession } from '../../realtime/socket-control';
import { revokedKey } from '../../auth/revocation';
import { sessionOf } from '../request-context';
import { defineRoute, type RouteSpec } from './types';

const TAG = 'Auth';

export function authRoutes(ctx: AppContext): RouteSpec[] {
  return [...signInRoutes(ctx), ...sessionRoutes(ctx)];
}

/** A new session: the cookies for the dashboard, the token for API clients, and when it ends. */
function startSession(ctx: AppContext, res: Response, user: { _id: string; role: 'admin' | 'advertiser' | 'affiliate' }) {
  const { token, claims } = signSession(ctx.config.JWT_SECRET, { id: user._id, role: user.role }, ctx.config.JWT_EXPIRES_IN);
  const csrfToken = setSessionCookies(res, ctx.config, token, claims);
  return { token, csrfToken, expiresAt: new Date(claims.exp * 1000).toISOString() };
}

function signInRoutes(ctx: AppContext): RouteSpec[] {
  const limiter = new LoginLimiter(ctx.redis, `${ctx.keys.rateLimit}`, {
    perAccountIp: ctx.config.LOGIN_MAX_PER_ACCOUNT_IP,
    windowSeconds: ctx.config.LOGIN_WINDOW_SECONDS,
    perAccount: ctx.config.LOGIN_MAX_PER_ACCOUNT,
    perIp: ctx.config.LOGIN_MAX_PER_IP,
    slowWindowSeconds: ctx.config.LOGIN_SLOW_WINDOW_SECONDS,
  });
  const registrations = new RegisterLimiter(ctx.redis, `${ctx.keys.rateLimit}`, {
    perIp: ctx.config.REGISTER_MAX_PER_IP,
    windowSeconds: ctx.config.REGISTER_WINDOW_SECONDS,
  });
  preloadPasswordStrength();

  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/register',
      action: 'public',
      tag: TAG,
      summary: 'Register an affiliate or advertiser account',
      description:
        'Signs the new account in (session cookie, and a token for API clients). It waits for an admin’s approval before it can work (advertisers only while the `advertiserApproval` platform setting is `required`, the default; see /api/admin/settings). A password easy to guess is a 400; an email already registered a 409; registrations per address are limited (429).',
      request: { body: RegisterBody },
      responses: { 201: SignedIn },
      errors: [409, 429],
    }).handle(async ({ body, req, res }) => {
      // Checked before the budget is taken: a person picking a stronger password is not spending it.
      await assertStrongPassword(body.password, ctx.config.PASSWORD_MIN_SCORE, [body.email, body.name, body.company]);
      // An email already registered answers 409 on purpose (docs/security.md); this budget bounds that probe.
      await registrations.take(req.ip ?? 'unknown');
      const user = await registerUser(ctx, body);
      return { user: userView(user), ...startSession(ctx, res, user) };
    }),

    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      action: 'public',
      tag: TAG,
      summary: 'Sign in; sets the session cookie and returns a token for API clients',
      description: 'An unknown email and a wrong password get the same 401. Failures are limited per account and address, per account and per address (429 with `Retry-After`).',
      request: { body: LoginBody },
      responses: { 200: SignedIn },
      errors: [401, 429],
    }).handle(async ({ body, req, res }) => {
      const user = await signIn(ctx, limiter, req.ip ?? 'unknown', body.email, body.password);
      return { user: userView(user), ...startSession(ctx, res, user) };
    }),
  ];
}

function sessionRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      action: 'auth.logout',
      tag: TAG,
      summary: 'Sign out this session',
      description: 'The session token stops working on every instance at once (also a copy of it), its live connections close and its cookies are cleared.',
      responses: { 200: SignedOut },
    }).handle(async ({ req, res }) => {
      const s = sessionOf(req);
      const ttl = Math.max(1, s.exp - Math.floor(Date.now() / 1000));
      await ctx.redis.set(revokedKey(ctx, s.jti), '1', 'EX', ttl);
      disconnectSession(ctx, s.jti);
      clearSessionCookies(res, ctx.config);
      return { ok: true as const };
    }),

    defineRoute({
      method: 'get',
      path: '/api/auth/me',
      action: 'auth.me',
      tag: TAG,
      summary: 'The signed-in account',
      responses: { 200: CurrentUser },
    }).handle(async ({ req }) => {
      const s = sessionOf(req);
      return { user: userView(s.user), csrfToken: csrfTokenFor(ctx.config.JWT_SECRET, s.jti) };
    }),
  ];
}
