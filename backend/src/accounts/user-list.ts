import type { Db } from 'mongodb';
import type { AppContext } from '../context';
import { addEntries, addEntry, backfillOnce, countScan, incCounters, readPage, readScope, setCounters, type CountedList, type Page } from '../db/list-buckets';
import { USER_STATUSES, type UserDoc } from '../db/models/user';
import type { Role, UserStatus } from '../domain/permissions';

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
}

export interface UserPage extends Page<UserDoc> {
  total: number;
}

/** A page of accounts (of one role, or all), optionally of one status. */
export async function readUserPage(ctx: AppContext, q: UserListQuery): Promise<UserPage> {
  await backfillUserList(ctx.db);
  const scope = q.role ? `role:${q.role}` : 'all';
  const [page, counters] = await Promise.all([
    readPage<UserDoc>(ctx.db, {
      list: USER_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fetch: async (id) => (await ctx.models.User.findById(id).lean()) as UserDoc | null,
      accept: (u) => (!q.role || u.role === q.role) && (!q.status || u.status === q.status),
    }),
    readScope(ctx.db, USER_LIST, scope),
  ]);
  const n = (s: UserStatus) => Number(counters?.[s] ?? 0);
  return { ...page, total: q.status ? n(q.status) : USER_STATUSES.reduce((sum, s) => sum + n(s), 0) };
}
