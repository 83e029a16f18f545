import crypto from 'node:crypto';
import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { hashPassword } from '../auth/passwords';
import { recordAudit } from '../audit/audit-log';
import { ApiError } from '../domain/errors';
import { userIdByEmail } from './email-keys';
import { bucketResetCode } from './reset-code-hours';
import { nextSessionGeneration } from './sessions';

/** How long an issued code works. */
export const RESET_CODE_TTL_MS = 3_600_000;

/**
 * A one-time password-reset code an admin hands to an account's owner (there
 * is no mail server). Only the SHA-256 of the code is kept, as the `_id` of its
 * document, so redeeming is a read by `_id`; the code itself has 192 random
 * bits, so a hash without a salt or slow function cannot be reversed. Codes
 * are deleted once expired by the retention job (reset-code-hours).
 */
interface ResetCodeDoc {
  _id: string;
  userId: string;
  issuedBy: string;
  expiresAt: Date;
  usedAt: Date | null;
}

const resetCodes = (db: Db) => db.collection<ResetCodeDoc>('password_resets');
const hashOf = (code: string) => crypto.createHash('sha256').update(code, 'utf8').digest('hex');

export async function issueResetCode(ctx: AppContext, userId: string, adminId: string): Promise<{ code: string; expiresAt: Date }> {
  const code = crypto.randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + RESET_CODE_TTL_MS);
  const id = hashOf(code);
  // Bucketed by its expiry hour first, so the retention job deletes it once expired (see reset-code-hours).
  await bucketResetCode(ctx.db, id, expiresAt);
  await resetCodes(ctx.db).insertOne({ _id: id, userId, issuedBy: adminId, expiresAt, usedAt: null });
  return { code, expiresAt };
}

const INVALID = 'The code is not valid: it may be mistyped, used already or expired; ask an admin for a new one';

/**
 * Sets the new password if the code is one issued for this account, unused and
 * not expired, and ends every session of the account. The code is spent by a
 * conditional update before the password changes, so two uses at once cannot
 * both succeed. Every refusal is the same 401.
 */
export async function redeemResetCode(ctx: AppContext, email: string, code: string, password: string, ip: string | null): Promise<void> {
  const userId = await userIdByEmail(ctx.db, email);
  const id = hashOf(code);
  const found = await resetCodes(ctx.db).findOne({ _id: id });
  if (!found || !userId || found.userId !== userId || found.usedAt || found.expiresAt.getTime() <= Date.now()) throw new ApiError('unauthenticated', INVALID);
  const spent = await resetCodes(ctx.db).updateOne({ _id: id, usedAt: null }, { $set: { usedAt: new Date() } });
  if (spent.modifiedCount !== 1) throw new ApiError('unauthenticated', INVALID);
  await nextSessionGeneration(ctx, userId, { passwordHash: await hashPassword(password) });
  await recordAudit(ctx, { action: 'user.password_reset_used', actor: null, target: { type: 'user', id: userId, label: email }, ip });
}
