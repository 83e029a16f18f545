import type { Db, Document, Filter } from 'mongodb';

const ferret = new WeakMap<Db, Promise<boolean>>();

/** Whether the server is FerretDB (its buildInfo carries `ferretdbVersion`). */
export function isFerretDb(db: Db): Promise<boolean> {
  let p = ferret.get(db);
  if (!p) {
    p = db.command({ buildInfo: 1 }).then((r) => typeof r.ferretdbVersion === 'string').catch(() => false);
    ferret.set(db, p);
  }
  return p;
}

export interface Group<K extends string, S extends string> {
  key: Record<K, unknown>;
  sums: Record<S, number>;
}

/**
 * `$match` + `$group` with `$sum`s, the one shape of aggregation the rollups,
 * reconciliation and payout runs need. On MongoDB it runs on the server. On
 * FerretDB 1.24 the same is computed from a plain cursor: its `$group` keeps
 * only the first accumulator (FerretDB issue #4616) and costs time per group
 * for every document (minutes for a day of clicks), while reading the
 * documents costs the same scan it would do anyway.
 * `sums` maps an output name to a numeric field, or to 1 for a count.
 */
export async function groupSum<K extends string, S extends string>(
  db: Db,
  collection: string,
  match: Filter<Document>,
  keys: Record<K, string>,
  sums: Record<S, string | 1>,
): Promise<Array<Group<K, S>>> {
  const keyNames = Object.keys(keys) as K[];
  const sumNames = Object.keys(sums) as S[];
  const col = db.collection<Document>(collection);
  if (!(await isFerretDb(db))) {
    const group: Document = { _id: Object.fromEntries(keyNames.map((k) => [k, `$${keys[k]}`])) };
    for (const s of sumNames) group[s] = { $sum: sums[s] === 1 ? 1 : `$${sums[s]}` };
    const pipeline: Document[] = Object.keys(match).length ? [{ $match: match }, { $group: group }] : [{ $group: group }];
    const rows = await col.aggregate(pipeline, { allowDiskUse: true }).toArray();
    return rows.map((r) => ({
      key: Object.fromEntries(keyNames.map((k) => [k, (r._id as Document)[k] ?? null])) as Record<K, unknown>,
      sums: Object.fromEntries(sumNames.map((s) => [s, Number(r[s] ?? 0)])) as Record<S, number>,
    }));
  }
  const projection: Document = {};
  for (const k of keyNames) projection[keys[k]] = 1;
  for (const s of sumNames) if (sums[s] !== 1) projection[sums[s] as string] = 1;
  return groupDocs(col.find(match, { projection, batchSize: 5000 }), keys, sums);
}

/**
 * Several groupings of the same matched documents (one key set each, the same
 * sums): on FerretDB one read of the collection feeds them all.
 */
export async function groupSumMany<N extends string, S extends string>(
  db: Db,
  collection: string,
  match: Filter<Document>,
  keySets: Record<N, Record<string, string>>,
  sums: Record<S, string | 1>,
): Promise<Record<N, Array<Group<string, S>>>> {
  const names = Object.keys(keySets) as N[];
  if (!(await isFerretDb(db))) {
    const parts = await Promise.all(names.map((n) => groupSum(db, collection, match, keySets[n], sums)));
    return Object.fromEntries(names.map((n, i) => [n, parts[i]])) as Record<N, Array<Group<string, S>>>;
  }
  const projection: Document = {};
  for (const n of names) for (const f of Object.values(keySets[n])) projection[f] = 1;
  for (const s of Object.keys(sums) as S[]) if (sums[s] !== 1) projection[sums[s] as string] = 1;
  return groupDocsMany(db.collection<Document>(collection).find(match, { projection, batchSize: 5000 }), keySets, sums);
}

/** The same grouping over documents already read (a cursor or an array), computed in memory. */
export async function groupDocs<K extends string, S extends string>(
  docs: AsyncIterable<Document> | Iterable<Document>,
  keys: Record<K, string>,
  sums: Record<S, string | 1>,
): Promise<Array<Group<K, S>>> {
  return (await groupDocsMany(docs, { g: keys }, sums)).g as Array<Group<K, S>>;
}

class Grouping<S extends string> {
  readonly out = new Map<string, Group<string, S>>();
  private readonly keyNames: string[];

  constructor(
    private readonly keys: Record<string, string>,
    private readonly sumNames: S[],
  ) {
    this.keyNames = Object.keys(keys);
  }

  add(doc: Document, sums: Record<S, string | 1>): void {
    const values: unknown[] = this.keyNames.map((k) => doc[this.keys[k] as string] ?? null);
    const id = values.map((v) => (v instanceof Date ? `d${v.getTime()}` : typeof v === 'string' ? `s${v}` : JSON.stringify(v))).join('\u0001');
    let g = this.out.get(id);
    if (!g) {
      g = { key: Object.fromEntries(this.keyNames.map((k, i) => [k, values[i]])), sums: Object.fromEntries(this.sumNames.map((s) => [s, 0])) as Record<S, number> };
      this.out.set(id, g);
    }
    for (const s of this.sumNames) {
      const f = sums[s];
      g.sums[s] += f === 1 ? 1 : Number(doc[f] ?? 0) || 0;
    }
  }
}

/** Several groupings of documents already read, in one pass over them. */
export async function groupDocsMany<N extends string, S extends string>(
  docs: AsyncIterable<Document> | Iterable<Document>,
  keySets: Record<N, Record<string, string>>,
  sums: Record<S, string | 1>,
): Promise<Record<N, Array<Group<string, S>>>> {
  const names = Object.keys(keySets) as N[];
  const sumNames = Object.keys(sums) as S[];
  const groupings = names.map((n) => new Grouping<S>(keySets[n], sumNames));
  for await (const doc of docs) for (const g of groupings) g.add(doc, sums);
  return Object.fromEntries(names.map((n, i) => [n, [...(groupings[i] as Grouping<S>).out.values()]])) as Record<N, Array<Group<string, S>>>;
}
