import type { AppContext } from '../context';
import type { UserDoc } from '../db/models/user';
import { notFound } from '../domain/errors';
import { disconnectUser } from '../realtime/socket-control';

/**
 * Ends every session of the account issued so far: the next generation makes
 * older tokens fail the check the API and the socket server make on each
 * request (they re-read the account by `_id` anyway). The caller issues a new
 * session when the one in use should stay open. Optionally sets fields in the
 * same update (a new password ends the sessions in one write).
 */
export async function nextSessionGeneration(ctx: AppContext, userId: string, $set: Partial<Pick<UserDoc, 'passwordHash'>> = {}): Promise<UserDoc> {
  const user = await ctx.models.User.findByIdAndUpdate(userId, { $inc: { sessionGeneration: 1 }, $set }, { returnDocument: 'after' }).lean();
  if (!user) throw notFound('Account');
  // Open live connections close on every instance; the dashboard that stays signed in reconnects with its new session.
  disconnectUser(ctx, userId);
  return user as UserDoc;
}
