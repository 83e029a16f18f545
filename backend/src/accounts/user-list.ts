import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { addEntries, addEntry, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type CountedList, type Page } from '../db/list-buckets';
import { USER_STATUSES, type UserDoc } from '../db/models/user';
import type { Role, UserStatus } from '../domain/permissions';
import { userIdByEmail } from './email-keys';

/**
 * The accounts lists' read model (see db/list-buckets): day buckets of
 * `"<createdAt ms>_<id>"` under `all` and `role:<role>`, listed before the
 * account is created, and per scope the count of accounts in each status,
 * added once the insert stored the account and moved by each status change
 * whose conditional update matched. A status filter picks rows out of the
 * scope; its total comes from the counters.
 */
export const USER_LIST = 'us';

type Scoped = Pick<UserDoc, 'role'>;
export const userScopes = (u: Scoped) => ['all', `role:${u.role}`];

/** Lists a new account before it is inserted. */
export const listNewUser = (db: Db, u: Pick<UserDoc, '_id' | 'role' | 'createdAt'>) => addEntry(db, USER_LIST, userScopes(u), u.createdAt.getTime(), u._id);

function countsOf(users: Array<Scoped & { status: UserStatus }>, zeros: boolean): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const u of users) {
    for (const s of userScopes(u)) {
      const c = counts.get(s) ?? (zeros ? Object.fromEntries(USER_STATUSES.map((st) => [st, 0])) : {});
      c[u.status] = (c[u.status] ?? 0) + 1;
      counts.set(s, c);
    }
  }
  return counts;
}

/** Counts accounts the insert stored. */
export const countStoredUsers = (db: Db, users: Array<Scoped & { status: UserStatus }>) => incCounters(db, USER_LIST, countsOf(users, false));

/** Moves the status counters for a change a conditional update made. */
export const countUserMove = (db: Db, u: Scoped, from: UserStatus, to: UserStatus) =>
  incCounters(db, USER_LIST, new Map(userScopes(u).map((s) => [s, { [from]: -1, [to]: 1 }])));

/** Lists accounts written directly (tests) before they are inserted. */
export const listUsers = (db: Db, users: Array<Pick<UserDoc, '_id' | 'role' | 'createdAt'>>) =>
  addEntries(db, USER_LIST, users.map((u) => ({ scopes: userScopes(u), ms: u.createdAt.getTime(), id: u._id })));

const scanUsers = (db: Db) => db.collection<UserDoc>('users').find({}, { projection: { _id: 1, role: 1, status: 1, createdAt: 1 } });

export const userListCounters: CountedList = { list: USER_LIST, counters: USER_STATUSES, countRows: (ctx) => countScan(scanUsers(ctx.db), (batch) => countsOf(batch, false)), backfill: (db) => backfillUserList(db) };

/** Accounts stored before the buckets existed are listed and counted once per database (one scan, recorded in `migrations`). */
export function backfillUserList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_users', async () => {
    const users = await scanUsers(db).toArray();
    await listUsers(db, users);
    await setCounters(db, USER_LIST, countsOf(users, true));
  });
}

export interface UserListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | null;
  role?: Role | undefined;
  status?: UserStatus | undefined;
  /** With an `@`: an exact email; otherwise a prefix of the name, company or email. */
  q?: string | undefined;
}

export interface UserPage extends Page<UserDoc> {
  /** Null for a prefix search: no counter answers it. */
  total: number | null;
}

const matchesFilters = (q: UserListQuery, u: UserDoc) => (!q.role || u.role === q.role) && (!q.status || u.status === q.status);

/** An exact email is found through its key document (one read by `_id`), then the other filters apply. */
async function readByEmail(ctx: AppContext, q: UserListQuery, email: string): Promise<UserPage> {
  const id = await userIdByEmail(ctx.db, email);
  const user = id ? ((await ctx.models.User.findById(id).lean()) as UserDoc | null) : null;
  const rows = user && matchesFilters(q, user) ? [user] : [];
  return { rows, next: null, total: rows.length };
}

/**
 * A prefix of the name, company or email is looked for among the scope's
 * accounts a page at a time: readPage fetches at most MAX_FETCHES_PER_PAGE
 * accounts by _id per request and hands back a cursor to look further, so a
 * search costs what a page of the unfiltered list costs.
 */
const prefixMatch = (prefix: string) => {
  const p = prefix.toLowerCase();
  return (u: UserDoc) => [u.name, u.company ?? '', u.email].some((f) => f.toLowerCase().startsWith(p));
};

/** A page of accounts (of one role, or all), optionally of one status. */
/** Every account the filters match, up to `max`, a bounded page after another (the CSV export). */
export async function readAllUsers(ctx: AppContext, q: Omit<UserListQuery, 'limit' | 'after'>, max: number): Promise<UserDoc[]> {
  const rows: UserDoc[] = [];
  let after: string | null = null;
  do {
    const page: UserPage = await readUserPage(ctx, { ...q, limit: Math.min(500, max - rows.length), after });
    rows.push(...page.rows);
    after = page.next;
  } while (after !== null && rows.length < max);
  return rows;
}

export async function readUserPage(ctx: AppContext, q: UserListQuery): Promise<UserPage> {
  if (q.q?.includes('@')) return readByEmail(ctx, q, q.q);
  await backfillUserList(ctx.db);
  const search = q.q ? prefixMatch(q.q) : () => true;
  const scope = q.role ? `role:${q.role}` : 'all';
  const [page, counters] = await Promise.all([
    readPage<UserDoc>(ctx.db, {
      list: USER_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fetch: async (id) => (await ctx.models.User.findById(id).lean()) as UserDoc | null,
      accept: (u) => matchesFilters(q, u) && search(u),
    }),
    readScope(ctx.db, USER_LIST, scope),
  ]);
  const n = (s: UserStatus) => Number(counters?.[s] ?? 0);
  if (q.q) return { ...page, total: null };
  return { ...page, total: q.status ? n(q.status) : USER_STATUSES.reduce((sum, s) => sum + n(s), 0) };
}
