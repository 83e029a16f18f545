import type { StatusChange, User, UserStatus, UserWithHistory } from '@offerly/contract';
import type { UserDoc } from '../db/models/user';
import { safeCsv } from '../csv/safe-csv';

type Shown = Pick<UserDoc, '_id' | 'email' | 'role' | 'status' | 'name' | 'company' | 'createdAt'>;

const iso = (d: Date | string) => new Date(d).toISOString();

/** What the API returns for an account: never the hash or secrets. */
export function userView(u: Shown): User {
  return { id: u._id, email: u.email, role: u.role, status: u.status, name: u.name, company: u.company ?? '', createdAt: iso(u.createdAt) };
}

/** An account with its status history, as admins review it. */
export function userWithHistoryView(u: Shown & Pick<UserDoc, 'statusHistory'>): UserWithHistory {
  return { ...userView(u), statusHistory: (u.statusHistory ?? []).map(statusChangeView) };
}

/** The users list as CSV: one row per account, with the last note a person left on it. */
export function usersCsv(users: Array<Shown & Pick<UserDoc, 'statusHistory'>>): string {
  return safeCsv([
    ['id', 'email', 'name', 'company', 'role', 'status', 'createdAt', 'lastReviewAt', 'lastReviewNote'],
    ...users.map((u) => {
      const last = [...(u.statusHistory ?? [])].reverse().find((h) => h.by);
      return [u._id, u.email, u.name, u.company ?? '', u.role, u.status, iso(u.createdAt), last ? iso(last.at) : '', last?.note ?? ''];
    }),
  ]);
}

/** History entries are stored as plain strings (every writer stores a status); those written without `by` or `from` read as null. */
function statusChangeView(h: UserDoc['statusHistory'][number]): StatusChange {
  return { at: iso(h.at), by: h.by ?? null, from: (h.from ?? null) as UserStatus | null, to: h.to as UserStatus, note: h.note ?? '' };
}
