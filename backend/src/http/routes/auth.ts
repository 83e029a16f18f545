import type { Request, Response } from 'express';
import { CurrentUser, LoginBody, PasswordChangeBody, PasswordResetBody, PasswordResetDone, RegisterBody, SignedIn, SignedOut } from '@offerly/contract';
import { LoginLimiter } from '../../auth/login-limiter';
import { assertStrongPassword, preloadPasswordStrength } from '../../auth/password-strength';
import { RegisterLimiter } from '../../auth/register-limiter';
import { signIn } from '../../auth/sign-in';
import { csrfTokenFor, signSession } from '../../auth/tokens';
import { registerUser } from '../../accounts/accounts';
import { changeOwnPassword } from '../../accounts/password-change';
import { redeemResetCode } from '../../accounts/password-reset';
import { nextSessionGeneration } from '../../accounts/sessions';
import { recordAudit } from '../../audit/audit-log';
import { ApiError, forbidden } from '../../domain/errors';
import { userView } from '../../accounts/views';
import type { AppContext } from '../../context';
import { clearSessionCookies, setSessionCookies } from '../cookies';
import { disconnectSession } from '../../realtime/socket-control';
import { revokedKey } from '../../auth/revocation';
import { sessionOf } from '../request-context';
import { defineRoute, type RouteSpec } from './types';

const TAG = 'Auth';

export function authRoutes(ctx: AppContext): RouteSpec[] {
  const limiter = loginLimiter(ctx);
  return [...signInRoutes(ctx, limiter), ...sessionRoutes(ctx), ...passwordRoutes(ctx, limiter)];
}

const loginLimiter = (ctx: AppContext) =>
  new LoginLimiter(ctx.redis, `${ctx.keys.rateLimit}`, {
    perAccountIp: ctx.config.LOGIN_MAX_PER_ACCOUNT_IP,
    windowSeconds: ctx.config.LOGIN_WINDOW_SECONDS,
    perAccount: ctx.config.LOGIN_MAX_PER_ACCOUNT,
    perIp: ctx.config.LOGIN_MAX_PER_IP,
    slowWindowSeconds: ctx.config.LOGIN_SLOW_WINDOW_SECONDS,
  });

type SessionUser = { _id: string; role: 'admin' | 'advertiser' | 'affiliate'; sessionGeneration?: number | undefined };

/** A new session: the cookies for the dashboard, the token for API clients, and when it ends. */
function startSession(ctx: AppContext, res: Response, user: SessionUser) {
  const { token, claims } = signSession(ctx.config.JWT_SECRET, { id: user._id, role: user.role, gen: user.sessionGeneration }, ctx.config.JWT_EXPIRES_IN);
  const csrfToken = setSessionCookies(res, ctx.config, token, claims);
  return { token, csrfToken, expiresAt: new Date(claims.exp * 1000).toISOString() };
}

function signInRoutes(ctx: AppContext, limiter: LoginLimiter): RouteSpec[] {
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

/** Password changes and ending sessions need a signed-in session: an API key cannot take over its account. */
function interactiveSession(req: Request) {
  const s = sessionOf(req);
  if (s.via === 'api_key') throw forbidden('Sign in with a password to do this; API keys cannot');
  return s;
}

function passwordRoutes(ctx: AppContext, limiter: LoginLimiter): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/password-reset',
      action: 'public',
      tag: TAG,
      summary: 'Set a new password with a one-time code an admin issued',
      description:
        'The code works once, for the account it was issued for, until it expires (1 h). Every session of the account ends; sign in with the new password. A wrong, used or expired code is a 401 and counts against the same limits as failed sign-ins (429 with `Retry-After`); a password easy to guess is a 400.',
      request: { body: PasswordResetBody },
      responses: { 200: PasswordResetDone },
      errors: [401, 429],
    }).handle(async ({ body, req }) => {
      await assertStrongPassword(body.password, ctx.config.PASSWORD_MIN_SCORE, [body.email]);
      const attempt = await limiter.begin(req.ip ?? 'unknown', body.email);
      try {
        await redeemResetCode(ctx, body.email, body.code, body.password, req.ip ?? null);
      } catch (err) {
        // A refused code is a failed sign-in; anything else gives the budget back.
        if (!(err instanceof ApiError && err.code === 'unauthenticated')) await attempt.abandoned();
        throw err;
      }
      await attempt.succeeded();
      return { ok: true as const };
    }),

    defineRoute({
      method: 'post',
      path: '/api/auth/password',
      action: 'auth.changePassword',
      tag: TAG,
      summary: 'Change your own password',
      description:
        'The current password is required (a wrong one is a 400 naming `currentPassword` and counts as a failed sign-in); the new one is judged like at registration. Every other session of the account ends; this one goes on with the new token and CSRF token returned (and set as cookies). Not with an API key (403).',
      request: { body: PasswordChangeBody },
      responses: { 200: SignedIn },
      errors: [429],
    }).handle(async ({ body, req, res }) => {
      const s = interactiveSession(req);
      const attempt = await limiter.begin(req.ip ?? 'unknown', s.user.email);
      let user;
      try {
        user = await changeOwnPassword(ctx, s.user, body.currentPassword, body.newPassword);
      } catch (err) {
        const wrongCurrent = err instanceof ApiError && err.code === 'validation_failed' && err.message.startsWith('The current password');
        if (!wrongCurrent) await attempt.abandoned();
        throw err;
      }
      await attempt.succeeded();
      await recordAudit(ctx, { action: 'user.password_change', actor: { id: s.user._id, role: s.user.role, via: s.via }, target: { type: 'user', id: s.user._id, label: s.user.email }, ip: req.ip ?? null });
      return { user: userView(user), ...startSession(ctx, res, user) };
    }),

    defineRoute({
      method: 'post',
      path: '/api/auth/sessions/sign-out-others',
      action: 'auth.signOutOthers',
      tag: TAG,
      summary: 'Sign out every other session of your account',
      description:
        'Every session token of the account issued so far stops working on every instance at once (their live connections close); this one goes on with the new token and CSRF token returned (and set as cookies). API keys are not sessions and stay valid (revoke them on their page). Not with an API key (403).',
      responses: { 200: SignedIn },
    }).handle(async ({ req, res }) => {
      const s = interactiveSession(req);
      const user = await nextSessionGeneration(ctx, s.user._id);
      await recordAudit(ctx, { action: 'user.sign_out_others', actor: { id: s.user._id, role: s.user.role, via: s.via }, target: { type: 'user', id: s.user._id, label: s.user.email }, ip: req.ip ?? null });
      return { user: userView(user), ...startSession(ctx, res, user) };
    }),
  ];
}
