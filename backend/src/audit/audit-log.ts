import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { addEntry, incCounters, readPage, readScope, type Page } from '../db/list-buckets';
import { isDuplicateKey } from '../db/duplicate-key';
import { newId } from '../db/ids';
import type { Role } from '../domain/permissions';
import type { Session } from '../http/request-context';

/**
 * The audit log: who changed what, when. One document per entry in
 * `audit_log`, listed (before it is inserted) in the day buckets of the list
 * `au` (db/list-buckets), under `all` and `action:<action>`, so reading it is
 * a keyset page over `_id`-addressed documents however long the log grows.
 * Entries are never changed or removed by the application.
 */
export const AUDIT_LIST = 'au';

export type AuditDetail = string | number | boolean | null;

export interface AuditActor {
  id: string;
  role: Role;
  /** How the actor was signed in when it acted. */
  via: 'cookie' | 'bearer' | 'api_key';
  /** The API key it acted with (via `api_key`; entries written before keys were named here lack it). */
  key?: { id: string; prefix: string; name: string };
}

/** The signed-in caller of a request, as an entry records it. */
export function auditActorOf(s: Pick<Session, 'principal' | 'via' | 'apiKey'>): AuditActor {
  const actor: AuditActor = { id: s.principal.id, role: s.principal.role, via: s.via };
  if (s.via === 'api_key' && s.apiKey) actor.key = { id: s.apiKey.id, prefix: s.apiKey.prefix, name: s.apiKey.name };
  return actor;
}

export interface AuditEntry {
  /** What happened, `<area>.<verb>` (e.g. `api_key.create`). */
  action: string;
  /** Null for changes the system makes on its own (jobs, start-up). */
  actor: AuditActor | null;
  /** What the change was made to: a kind, its id and a label a person recognises. */
  target: { type: string; id: string; label: string };
  /** Small facts of the change (never secrets). */
  details?: Record<string, AuditDetail>;
  /** The client address of the request that made it, when there was one. */
  ip?: string | null;
}

export interface AuditDoc extends Required<Omit<AuditEntry, 'ip'>> {
  _id: string;
  at: Date;
  ip: string | null;
}

export const auditLog = (db: Db) => db.collection<AuditDoc>('audit_log');

const scopesOf = (action: string) => ['all', `action:${action}`];

/** The document of a new entry, with its `_id` and time fixed now (an outbox keeps it until it is stored). */
export const auditDocOf = (entry: AuditEntry, at = new Date()): AuditDoc => ({
  _id: newId(),
  at,
  action: entry.action,
  actor: entry.actor,
  target: entry.target,
  details: entry.details ?? {},
  ip: entry.ip ?? null,
});

/**
 * Stores an entry whose `_id` is fixed. Listed before it is stored (a crash in
 * between leaves an entry without a row, which readers skip), counted once
 * stored. Storing the same document again changes nothing, so an outbox may
 * be copied by whoever finds it first.
 */
export async function storeAuditDoc(ctx: Pick<AppContext, 'db'>, doc: AuditDoc): Promise<void> {
  const scopes = scopesOf(doc.action);
  await addEntry(ctx.db, AUDIT_LIST, scopes, doc.at.getTime(), doc._id);
  try {
    await auditLog(ctx.db).insertOne(doc);
  } catch (err) {
    if (isDuplicateKey(err)) return;
    throw err;
  }
  await incCounters(ctx.db, AUDIT_LIST, new Map(scopes.map((s) => [s, { n: 1 }])));
}

/** Records one entry. */
export async function recordAudit(ctx: Pick<AppContext, 'db'>, entry: AuditEntry): Promise<AuditDoc> {
  const doc = auditDocOf(entry);
  await storeAuditDoc(ctx, doc);
  return doc;
}

export interface AuditQuery {
  limit: number;
  order: 'asc' | 'desc';
  /** A decoded cursor (see db/list-buckets): entries strictly after it. */
  after: string | null;
  action?: string | undefined;
}

export interface AuditPage extends Page<AuditDoc> {
  total: number;
}

/** A page of the log, newest first unless asked otherwise, optionally of one action. */
export async function readAuditPage(ctx: Pick<AppContext, 'db'>, q: AuditQuery): Promise<AuditPage> {
  const scope = q.action ? `action:${q.action}` : 'all';
  const [page, counters] = await Promise.all([
    readPage<AuditDoc>(ctx.db, {
      list: AUDIT_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fetch: (id) => auditLog(ctx.db).findOne({ _id: id }),
      accept: () => true,
    }),
    readScope(ctx.db, AUDIT_LIST, scope),
  ]);
  return { ...page, total: typeof counters?.n === 'number' ? counters.n : 0 };
}
