import { z } from 'zod';
import { AuditLogPage, auditLogFilters } from '@offerly/contract';
import { auditLogView } from '../../audit/audit-view';
import type { AppContext } from '../../context';
import { cursorPaged, cursorQuery } from './cursor-page';
import { defineRoute, type RouteSpec } from './types';

const AuditLogQuery = z.strictObject({ ...cursorQuery, ...auditLogFilters });

export function auditRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/admin/audit-log',
      action: 'audit.read',
      tag: 'Audit',
      summary: 'Audit log: who changed what, newest first',
      description:
        'Paged with `cursor` (the previous answer’s `nextCursor`); `action` picks one kind of change. Each actor comes with the account’s current name and email, and with the API key it used when it acted with one.',
      request: { query: AuditLogQuery },
      responses: { 200: AuditLogPage },
    }).handle(async ({ query }) => {
      const page = await auditLogView(ctx, { limit: query.limit, order: query.order, after: query.cursor ?? null, action: query.action });
      return cursorPaged(page.rows, page.total, query.limit, page.next);
    }),
  ];
}
