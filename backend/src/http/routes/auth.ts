import { LoginLimiter } from '../../auth/login-limiter';
import { assertStrongPassword, preloadPasswordStrength } from '../../auth/password-strength';
import { RegisterLimiter } from '../../auth/register-limiter';
import { signIn } from '../../auth/sign-in';
import { csrfTokenFor, signSession } from '../../auth/tokens';
import { registerUser } from '../../accounts/accounts';
import type { AppContext } from '../../context';
import { publicUser } from '../../db/models/user';
import { loginSchema, registerSchema } from '../../domain/account-rules';
import { clearSessionCookies, setSessionCookies } from '../cookies';
import { disconnectSession } from '../../realtime/socket-control';
import { revokedKey } from '../middleware/auth';
import { parse } from '../middleware/validate';
import { sessionOf } from '../request-context';
import { noInput, route, type RouteSpec } from './types';

export function authRoutes(ctx: AppContext): RouteSpec[] {
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

  const startSession = (res: Parameters<RouteSpec['handler']>[1], user: { _id: string; role: 'admin' | 'advertiser' | 'affiliate' }) => {
    const { token, claims } = signSession(ctx.config.JWT_SECRET, { id: user._id, role: user.role }, ctx.config.JWT_EXPIRES_IN);
    const csrfToken = setSessionCookies(res, ctx.config, token, claims);
    return { token, csrfToken, expiresAt: new Date(claims.exp * 1000).toISOString() };
  };

  return [
    route('post', '/api/auth/register', 'public', 'Register an affiliate or advertiser account', async (req, res) => {
      const input = parse(registerSchema, req.body, 'body');
      // Checked before the budget is taken: a person picking a stronger password is not spending it.
      await assertStrongPassword(input.password, ctx.config.PASSWORD_MIN_SCORE, [input.email, input.name, input.company]);
      // An email already registered answers 409 on purpose (docs/security.md); this budget bounds that probe.
      await registrations.take(req.ip ?? 'unknown');
      const user = await registerUser(ctx, input);
      const session = startSession(res, user);
      res.status(201).json({ user: publicUser(user), ...session });
    }),

    route('post', '/api/auth/login', 'public', 'Sign in; sets the session cookie and returns a token for API clients', async (req, res) => {
      const input = parse(loginSchema, req.body, 'body');
      const user = await signIn(ctx, limiter, req.ip ?? 'unknown', input.email, input.password);
      const session = startSession(res, user);
      res.json({ user: publicUser(user), ...session });
    }),

    route('post', '/api/auth/logout', 'auth.logout', 'Sign out this session', async (req, res) => {
      parse(noInput, req.body, 'body');
      const s = sessionOf(req);
      const ttl = Math.max(1, s.exp - Math.floor(Date.now() / 1000));
      await ctx.redis.set(revokedKey(ctx, s.jti), '1', 'EX', ttl);
      disconnectSession(ctx, s.jti);
      clearSessionCookies(res, ctx.config);
      res.json({ ok: true });
    }),

    route('get', '/api/auth/me', 'auth.me', 'The signed-in account', (req, res) => {
      parse(noInput, req.query, 'query');
      const s = sessionOf(req);
      res.json({ user: publicUser(s.user), csrfToken: csrfTokenFor(ctx.config.JWT_SECRET, s.jti) });
    }),
  ];
}
