import type { Request } from 'express';
import type { ReviewAction } from '@offerly/contract';
import { sessionOf } from '../http/request-context';
import type { AppContext } from '../context';
import { auditActorOf, recordAudit, type AuditActor } from '../audit/audit-log';
import { notFound } from '../domain/errors';
import { reviewAccount, type ReviewableRole } from './accounts';
import { issueResetCode } from './password-reset';

/** An admin's request, as the audit log records it. */
export interface AdminAct {
  actor: AuditActor;
  ip: string | null;
}

export function adminActOf(req: Request): AdminAct {
  const s = sessionOf(req);
  return { actor: auditActorOf(s), ip: req.ip ?? null };
}

/** Reviews an advertiser or affiliate (see reviewAccount) and records it in the audit log with its note. */
export async function reviewAccountAudited(ctx: AppContext, id: string, roles: readonly ReviewableRole[], action: ReviewAction, note: string, act: AdminAct) {
  const user = await reviewAccount(ctx, id, roles, action, act.actor.id, note);
  const last = user.statusHistory[user.statusHistory.length - 1];
  await recordAudit(ctx, {
    action: `user.${action}`,
    actor: act.actor,
    target: { type: 'user', id: user._id, label: user.email },
    details: { role: user.role, from: last?.from ?? null, to: user.status, note },
    ip: act.ip,
  });
  return user;
}

/**
 * Issues a one-time password-reset code for an advertiser or affiliate (admins
 * reset their own password on their account page; another admin's account is
 * not theirs to take over). The code is only in this answer.
 */
export async function resetPasswordFor(ctx: AppContext, id: string, act: AdminAct) {
  const user = await ctx.models.User.findById(id).lean();
  if (!user || user.role === 'admin') throw notFound('Account');
  const issued = await issueResetCode(ctx, user._id, act.actor.id);
  await recordAudit(ctx, {
    action: 'user.password_reset_issued',
    actor: act.actor,
    target: { type: 'user', id: user._id, label: user.email },
    details: { role: user.role, expiresAt: issued.expiresAt.toISOString() },
    ip: act.ip,
  });
  return { ...issued, user };
}
