import { z } from 'zod';
import { AuditLogPage, auditLogFilters, type AuditEntry } from '@offerly/contract';
import { readAuditPage, type AuditDoc } from '../../audit/audit-log';
import type { AppContext } from '../../context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { defineRoute, type RouteSpec } from './types';

const AuditLogQuery = z.strictObject({ ...cursorQuery, ...auditLogFilters });

function auditEntryView(d: AuditDoc): AuditEntry {
  return { id: d._id, at: d.at.toISOString(), action: d.action, actor: d.actor, target: d.target, details: d.details, ip: d.ip };
}

export function auditRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/admin/audit-log',
      action: 'audit.read',
      tag: 'Audit',
      summary: 'Audit log: who changed what, newest first',
      description: 'Paged with `cursor` (the previous answer’s `nextCursor`); `action` picks one kind of change.',
      request: { query: AuditLogQuery },
      responses: { 200: AuditLogPage },
    }).handle(async ({ query }) => {
      const page = await readAuditPage(ctx, { limit: query.limit, order: query.order, after: query.cursor ?? null, action: query.action });
      return cursorPaged(page.rows.map(auditEntryView), page.total, query.limit, page.next);
    }),
  ];
}
