import type { ReviewAction } from '@offerly/contract';
import type { AppContext } from '../context';
import { hashPassword } from '../auth/passwords';
import { judgePassword } from '../auth/password-strength';
import { isDuplicateKey } from '../db/duplicate-key';
import { newId } from '../db/ids';
import { reviewTransition, initialStatus } from '../domain/account-rules';
import { ApiError, notFound } from '../domain/errors';
import { disconnectUser } from '../realtime/socket-control';
import { publishInvalidation } from '../cache-bus/invalidations';
import { countStoredUsers, countUserMove, listNewUser } from './user-list';
import { keyEmail, userIdByEmail } from './email-keys';

export async function registerUser(ctx: AppContext, input: { email: string; password: string; name: string; company: string; role: 'affiliate' | 'advertiser' }) {
  const passwordHash = await hashPassword(input.password);
  const _id = newId();
  const createdAt = new Date();
  const status = initialStatus(input.role, (await ctx.settings.current()).values.advertiserApproval);
  // Listed before it is stored (an email already taken leaves an entry the lists skip), counted once stored.
  await listNewUser(ctx.db, { _id, role: input.role, createdAt });
  try {
    const user = await ctx.models.User.create({
      _id,
      createdAt,
      email: input.email,
      passwordHash,
      role: input.role,
      status,
      name: input.name,
      company: input.company,
      statusHistory: [{ at: new Date(), by: null, from: null, to: status, note: status === 'approved' ? 'registered (approval not required)' : 'registered' }],
    });
    await countStoredUsers(ctx.db, [user]);
    await keyEmail(ctx.db, user.email, _id);
    return user.toObject();
  } catch (err) {
    if (isDuplicateKey(err)) {
      throw new ApiError('conflict', 'An account with this email already exists', [{ path: 'email', message: 'already registered' }]);
    }
    throw err;
  }
}

/** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD if no such account exists yet. */
export async function ensureBootstrapAdmin(ctx: AppContext): Promise<'created' | 'exists' | 'not_admin' | 'skipped'> {
  const { ADMIN_EMAIL, ADMIN_PASSWORD } = ctx.config;
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return 'skipped';
  const email = ADMIN_EMAIL.toLowerCase();
  // By its email key, then by `_id` (not a query over the accounts); an account without a key is refused by the unique email below.
  const existingId = await userIdByEmail(ctx.db, email);
  const existing = existingId ? await ctx.models.User.findById(existingId, { role: 1 }).lean() : null;
  // An account someone registered with that address is never promoted: that would hand the platform to them.
  if (existing) return existing.role === 'admin' ? 'exists' : 'not_admin';
  // The same bar as registration: this account can approve every payout, and a refusal here is seen at once.
  const verdict = await judgePassword(ADMIN_PASSWORD, ctx.config.PASSWORD_MIN_SCORE, [email, 'Administrator']);
  if (!verdict.ok) {
    throw new Error(
      `ADMIN_PASSWORD is too easy to guess (strength ${verdict.score} of 4, PASSWORD_MIN_SCORE is ${ctx.config.PASSWORD_MIN_SCORE}): ` +
        `${[verdict.warning, ...verdict.suggestions].filter(Boolean).join(' ')} Choose another one; no admin was created.`,
    );
  }
  const _id = newId();
  const createdAt = new Date();
  await listNewUser(ctx.db, { _id, role: 'admin', createdAt });
  try {
    await ctx.models.User.create({
      _id,
      createdAt,
      email,
      passwordHash: await hashPassword(ADMIN_PASSWORD),
      role: 'admin',
      status: 'approved',
      name: 'Administrator',
      statusHistory: [{ at: new Date(), to: 'approved', note: 'bootstrap admin' }],
    });
    await countStoredUsers(ctx.db, [{ role: 'admin', status: 'approved' }]);
    await keyEmail(ctx.db, email, _id);
    return 'created';
  } catch (err) {
    if (isDuplicateKey(err)) return 'exists';
    throw err;
  }
}

export type ReviewableRole = 'affiliate' | 'advertiser';

/**
 * Applies an admin's review to an affiliate or an advertiser (admins are not
 * reviewed: they answer 404 like any other id of the wrong kind). The status
 * filter makes the update conditional, so two admins acting at once cannot
 * both transition it, and the per-status counters move only for the one that did.
 */
export async function reviewAccount(ctx: AppContext, id: string, roles: readonly ReviewableRole[], action: ReviewAction, adminId: string, note: string) {
  const user = await ctx.models.User.findById(id).lean();
  const what = roles.length === 1 && roles[0] === 'affiliate' ? 'Affiliate' : 'Account';
  if (!user || !(roles as readonly string[]).includes(user.role)) throw notFound(what);
  const to = reviewTransition(user.status, action);
  if (!to) throw new ApiError('conflict', `Cannot ${action} an ${user.role} that is ${user.status}`, { status: user.status, action });
  const updated = await ctx.models.User.findOneAndUpdate(
    { _id: id, status: user.status },
    { $set: { status: to }, $push: { statusHistory: { at: new Date(), by: adminId, from: user.status, to, note } } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new ApiError('conflict', `The ${user.role} was changed by someone else; reload and retry`);
  await countUserMove(ctx.db, updated, user.status, to);
  if (user.role === 'advertiser') {
    // Every API instance drops the cached routing of this advertiser's links, so its campaigns'
    // traffic goes to the fallback (or back to the offer) at once, without listing its campaigns.
    await publishInvalidation(ctx, { kind: 'advertiser', id });
  } else {
    await publishInvalidation(ctx, { kind: 'affiliate', id });
    // Its open dashboards stop receiving at once (live rooms are only checked when joined).
    if (to !== 'approved') disconnectUser(ctx, id);
  }
  return updated;
}

