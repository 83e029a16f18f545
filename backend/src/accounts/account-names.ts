import type { AppContext } from '../context';

/**
 * The names of the accounts a page shows (its affiliates, its advertisers):
 * one findOne by `_id` per distinct id, in parallel; a `$in` would read the
 * whole users collection on the embedded server. Not cached: names change
 * (account settings) and a page names at most its own rows' accounts.
 */
export async function accountNames(ctx: AppContext, ids: Iterable<string>): Promise<Map<string, string>> {
  const users = await Promise.all([...new Set(ids)].map((id) => ctx.models.User.findById(id, { name: 1 }).lean()));
  return new Map(users.flatMap((u) => (u ? [[u._id, u.name] as [string, string]] : [])));
}

export interface AccountLabel {
  name: string;
  email: string;
}

/** Name and email of each account (same bounds as accountNames): who acted, as a person reads it. */
export async function accountLabels(ctx: Pick<AppContext, 'models'>, ids: Iterable<string>): Promise<Map<string, AccountLabel>> {
  const users = await Promise.all([...new Set(ids)].map((id) => ctx.models.User.findById(id, { name: 1, email: 1 }).lean()));
  return new Map(users.flatMap((u) => (u ? [[u._id, { name: u.name, email: u.email }] as [string, AccountLabel]] : [])));
}
