import { userIdByEmail } from '../accounts/email-keys';
import type { AppContext } from '../context';
import type { UserDoc } from '../db/models/user';
import { ApiError } from '../domain/errors';
import type { LoginLimiter } from './login-limiter';
import { burnPasswordCheck, verifyPassword } from './passwords';

const WRONG = 'Email or password is incorrect';

/** The account with this email: its email key, then the account, each read by `_id` (not a query over the accounts). */
async function userByEmail(ctx: AppContext, email: string): Promise<UserDoc | null> {
  const id = await userIdByEmail(ctx.db, email);
  const user = id ? ((await ctx.models.User.findById(id).lean()) as UserDoc | null) : null;
  return user && user.email.toLowerCase() === email.toLowerCase() ? user : null;
}

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
    user = await userByEmail(ctx, email);
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
