import type { AppContext } from '../context';

/** Names of the campaigns of a page, each read by `_id` (a `$in` would scan the collection on the embedded server). */
export async function campaignNames(ctx: AppContext, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const rows = await Promise.all(unique.map((id) => ctx.models.Campaign.findById(id, { name: 1 }).lean()));
  return new Map(rows.flatMap((c) => (c ? [[c._id, c.name] as [string, string]] : [])));
}
