import type { AuditEntry as AuditEntryView } from '@offerly/contract';
import { accountLabels, type AccountLabel } from '../accounts/account-names';
import type { AppContext } from '../context';
import { flushSettingsAudit } from '../settings/settings-store';
import { readAuditPage, type AuditDoc, type AuditPage, type AuditQuery } from './audit-log';

function entryView(d: AuditDoc, people: Map<string, AccountLabel>): AuditEntryView {
  const a = d.actor;
  const who = a ? people.get(a.id) : undefined;
  const actor = a ? { id: a.id, role: a.role, via: a.via, name: who?.name ?? null, email: who?.email ?? null, key: a.key ?? null } : null;
  return { id: d._id, at: d.at.toISOString(), action: d.action, actor, target: d.target, details: d.details, ip: d.ip };
}

/**
 * A page of the audit log as admins read it. A settings change whose saver
 * crashed before copying its entry is copied first (one read by `_id`), and
 * each actor is named: one read by `_id` per distinct actor on the page.
 */
export async function auditLogView(ctx: AppContext, q: AuditQuery): Promise<Omit<AuditPage, 'rows'> & { rows: AuditEntryView[] }> {
  await flushSettingsAudit(ctx.db);
  const page = await readAuditPage(ctx, q);
  const people = await accountLabels(ctx, page.rows.flatMap((r) => (r.actor ? [r.actor.id] : [])));
  return { ...page, rows: page.rows.map((r) => entryView(r, people)) };
}
