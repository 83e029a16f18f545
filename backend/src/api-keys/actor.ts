import type { Request } from 'express';
import { auditActorOf, type AuditActor } from '../audit/audit-log';
import type { Principal } from '../domain/permissions';
import { sessionOf } from '../http/request-context';

/** Who is changing keys, as the audit log records it. */
export interface KeyActor {
  principal: Principal;
  audit: AuditActor;
  ip: string | null;
}

export function keyActorOf(req: Request): KeyActor {
  const s = sessionOf(req);
  return { principal: s.principal, audit: auditActorOf(s), ip: req.ip ?? null };
}
