import { z } from 'zod';
import { Instant, ObjectId, Role, SortOrder, cursorPagedOf } from './common';

export const AuditEntry = z
  .strictObject({
    id: ObjectId,
    at: Instant,
    action: z.string().meta({ description: 'What happened, `<area>.<verb>`', example: 'api_key.create' }),
    actor: z
      .strictObject({
        id: ObjectId,
        role: Role,
        via: z.enum(['cookie', 'bearer', 'api_key']).meta({ description: 'How the actor was signed in' }),
        name: z.string().nullable().meta({ description: 'The account’s name now (null if the account is gone)' }),
        email: z.string().nullable().meta({ description: 'The account’s email (null if the account is gone)' }),
        key: z
          .strictObject({ id: z.string(), prefix: z.string(), name: z.string() })
          .nullable()
          .meta({ description: 'The API key the actor used (via `api_key`), as it was named then; null otherwise and for entries recorded before keys were noted' }),
      })
      .nullable()
      .meta({ description: 'Who did it; null for changes the system made on its own' }),
    target: z.strictObject({ type: z.string(), id: z.string(), label: z.string() }).meta({ description: 'What the change was made to' }),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    ip: z.string().nullable().meta({ description: 'Client address of the request that made the change' }),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditLogPage = cursorPagedOf(AuditEntry).meta({ id: 'AuditLogPage' });
export type AuditLogPage = z.infer<typeof AuditLogPage>;

/** Filters of the audit log (paging parameters are added by the server, which decodes cursors). */
export const auditLogFilters = {
  action: z.string().regex(/^[a-z_]+\.[a-z_]+$/).optional().meta({ description: 'Only entries of this action', example: 'api_key.revoke' }),
  order: SortOrder.default('desc'),
};
