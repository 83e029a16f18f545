import type { AppContext } from '../context';
import type { UserDoc } from '../db/models/user';
import { ApiError } from '../domain/errors';
import type { LoginLimiter } from './login-limiter';
import { burnPasswordCheck, verifyPassword } from './passwords';

const WRONG = 'Email or password is incorrect';

/**
 * The account behind these credentials, within the login limits. Unknown
 * emails and wrong passwords get the same answer and the same time, and both
 * count as failures.
 */
export async function signIn(ctx: AppContext, limiter: LoginLimiter, ip: string, email: string, password: string) {
  const attempt = await limiter.begin(ip, email);
  let user: UserDoc | null;
  let ok: boolean;
  try {
    user = await ctx.models.User.findOne({ email }).lean();
    if (user) ok = await verifyPassword(user.passwordHash, password);
    else ok = await burnPasswordCheck(password).then(() => false);
  } catch (err) {
    await attempt.abandoned();
    throw err;
  }
  if (!user || !ok) throw new ApiError('unauthenticated', WRONG);
  await attempt.succeeded();
  return user;
}
