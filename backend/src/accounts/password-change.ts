import type { AppContext } from '../context';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { assertStrongPassword } from '../auth/password-strength';
import type { UserDoc } from '../db/models/user';
import { ApiError } from '../domain/errors';
import { nextSessionGeneration } from './sessions';

/**
 * The signed-in account changes its own password: the current one is asked
 * again (a session left open must not be enough to take the account), the new
 * one is judged like at registration, and every session ends (the caller
 * issues the one in use a new token).
 */
export async function changeOwnPassword(ctx: AppContext, user: UserDoc, current: string, next: string): Promise<UserDoc> {
  if (!(await verifyPassword(user.passwordHash, current))) {
    throw new ApiError('validation_failed', 'The current password is not correct', [{ path: 'currentPassword', message: 'not correct' }]);
  }
  await assertStrongPassword(next, ctx.config.PASSWORD_MIN_SCORE, [user.email, user.name, user.company]);
  return nextSessionGeneration(ctx, user._id, { passwordHash: await hashPassword(next) });
}
