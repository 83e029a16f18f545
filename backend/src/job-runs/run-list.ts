import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { AppContext } from '../context';
import { bulkWriteInChunks } from '../db/bulk-write';
import { addEntries, addEntry, backfillOnce, bucketId, countScan, incCounters, listDays, listScopes, readPage, readScope, scopeId, setCounters, type BulkEntry, type CountedList, type DayBucketDoc, type Page, type ScopeDoc } from '../db/list-buckets';
import type { JobRunDoc } from '../db/models/job-run';
import { DAY_MS, dayKey, dayKeyToMs } from '../domain/time-buckets';

/**
 * The job-runs list's read model (see db/list-buckets), in startedAt order:
 *
 * - every run is listed, before it is inserted, under `all` and `job:<job>`;
 *   those two scope documents count runs per status (`running`,
 *   `succeeded`, `failed`), moved by the conditional updates that change a
 *   run's status, only when they matched;
 * - a run that ends is listed, before its status is written, under
 *   `st:<status>` and `job:<job>:st:<status>` too, so a status filter reads
 *   only runs of that status (`running` runs are few and the newest: they
 *   are read through `all`/`job:` and picked out);
 * - the job's scope document holds `open`, the ids of its runs that may still
 *   be `running`: the next run of the job marks those abandoned by `_id`
 *   instead of searching `job_runs` for them.
 *
 * Retention deletes old runs by walking the oldest day buckets
 * (pruneJobRuns), so no step reads the collection.
 */
export const JOB_RUN_LIST = 'jr';
export const JOB_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
type RunStatus = (typeof JOB_RUN_STATUSES)[number];

const jobScope = (job: string) => `job:${job}`;
const statusScopes = (job: string, status: RunStatus) => [`st:${status}`, `${jobScope(job)}:st:${status}`];
const mainScopes = (job: string) => ['all', jobScope(job)];

type Listed = Pick<JobRunDoc, '_id' | 'job' | 'startedAt'>;

/** Lists a new run and marks it open (before it is inserted). */
export async function listNewRun(db: Db, run: Listed): Promise<void> {
  await Promise.all([
    addEntry(db, JOB_RUN_LIST, mainScopes(run.job), run.startedAt.getTime(), run._id),
    listScopes(db).updateOne({ _id: scopeId(JOB_RUN_LIST, jobScope(run.job)) }, { $addToSet: { open: run._id } as never }, { upsert: true }),
  ]);
}

const moves = (job: string, from: RunStatus | null, to: RunStatus) => {
  const inc: Record<string, number> = { [to]: 1 };
  if (from) inc[from] = -1;
  return new Map(mainScopes(job).map((s) => [s, { ...inc }]));
};

/** Counts a run the insert stored (`running`). */
export const countNewRun = (db: Db, run: Pick<JobRunDoc, 'job'>) => incCounters(db, JOB_RUN_LIST, moves(run.job, null, 'running'));

/** Lists a run under the status it is about to get (before the conditional update that sets it). */
export const listEndingRun = (db: Db, run: Listed, status: Exclude<RunStatus, 'running'>) => addEntry(db, JOB_RUN_LIST, statusScopes(run.job, status), run.startedAt.getTime(), run._id);

/** Counts a run's end once its conditional update (`status: 'running'` → `to`) matched, and closes it. */
export async function countRunEnd(db: Db, run: Pick<JobRunDoc, '_id' | 'job'>, to: Exclude<RunStatus, 'running'>): Promise<void> {
  await incCounters(db, JOB_RUN_LIST, moves(run.job, 'running', to));
  await closeRuns(db, run.job, [run._id]);
}

const closeRuns = (db: Db, job: string, ids: string[]) =>
  ids.length ? listScopes(db).updateOne({ _id: scopeId(JOB_RUN_LIST, jobScope(job)) }, { $pullAll: { open: ids } as never }) : Promise.resolve();

/**
 * Marks the job's runs that are still `running` as failed (abandoned): the
 * caller holds the job's lock, so none of them may go on. Each is one
 * conditional update by `_id`; only a matched one moves the counters.
 */
export async function abandonOpenRuns(ctx: AppContext, job: string, at: Date, error: string): Promise<void> {
  await backfillJobRunList(ctx.db);
  const scope = await readScope(ctx.db, JOB_RUN_LIST, jobScope(job));
  const open = Array.isArray(scope?.open) ? (scope.open as string[]) : [];
  for (const id of open) {
    const run = (await ctx.models.JobRun.findById(id, { job: 1, startedAt: 1, status: 1 }).lean()) as (Listed & { status: RunStatus }) | null;
    if (run?.status !== 'running') continue;
    await listEndingRun(ctx.db, run, 'failed');
    const res = await ctx.models.JobRun.updateOne({ _id: id, status: 'running' }, { $set: { status: 'failed', finishedAt: at, error } });
    if (res.modifiedCount === 1) await incCounters(ctx.db, JOB_RUN_LIST, moves(job, 'running', 'failed'));
  }
  // None of them is running now (or it was never stored: a crash between listing and inserting it).
  await closeRuns(ctx.db, job, open);
}

function countsOf(runs: Array<Pick<JobRunDoc, 'job' | 'status'>>): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const r of runs) {
    for (const s of mainScopes(r.job)) {
      const c = counts.get(s) ?? Object.fromEntries(JOB_RUN_STATUSES.map((st) => [st, 0]));
      c[r.status] = (c[r.status] ?? 0) + 1;
      counts.set(s, c);
    }
  }
  return counts;
}

const scanRuns = (db: Db) => db.collection<JobRunDoc>('job_runs').find({}, { projection: { _id: 1, job: 1, startedAt: 1, status: 1 } });

/** The status counters of `all` and `job:<job>` (the status scopes count nothing). */
export const jobRunListCounters: CountedList = { list: JOB_RUN_LIST, counters: JOB_RUN_STATUSES, countRows: (ctx) => countScan(scanRuns(ctx.db), countsOf), backfill: (db) => backfillJobRunList(db) };

const entriesOf = (runs: Array<Listed & Pick<JobRunDoc, 'status'>>): BulkEntry[] =>
  runs.map((r) => ({ scopes: r.status === 'running' ? mainScopes(r.job) : [...mainScopes(r.job), ...statusScopes(r.job, r.status)], ms: r.startedAt.getTime(), id: r._id }));

/** Lists runs written directly (seed, tests) before they are inserted; `countStoredRuns` once they are stored. */
export const listRuns = (db: Db, runs: Array<Listed & Pick<JobRunDoc, 'status'>>) => addEntries(db, JOB_RUN_LIST, entriesOf(runs));
export const countStoredRuns = (db: Db, runs: Array<Pick<JobRunDoc, 'job' | 'status'>>) => incCounters(db, JOB_RUN_LIST, countsOf(runs));

/**
 * Runs stored before the buckets existed are listed and counted once per
 * database (one scan, recorded in `migrations`; counters set from it, and
 * runs still `running` are recorded open). A run started by another process
 * during the scan can leave a counter one off.
 */
export function backfillJobRunList(db: Db): Promise<void> {
  return backfillOnce(db, 'list_job_runs', async () => {
    const runs = await scanRuns(db).toArray();
    await listRuns(db, runs);
    await setCounters(db, JOB_RUN_LIST, countsOf(runs));
    const open = new Map<string, string[]>();
    for (const r of runs) if (r.status === 'running') open.set(r.job, [...(open.get(r.job) ?? []), r._id]);
    await bulkWriteInChunks(
      listScopes(db),
      [...open].map(([job, ids]) => ({ updateOne: { filter: { _id: scopeId(JOB_RUN_LIST, jobScope(job)) }, update: { $addToSet: { open: { $each: ids } } as never }, upsert: true } })),
    );
  });
}

export interface JobRunListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | null;
  job?: string | undefined;
  status?: RunStatus | undefined;
}

export interface JobRunPage extends Page<JobRunDoc> {
  total: number;
}

/** A page of job runs: a terminal status filter reads its own buckets, `running` is picked out of the job's (or all) runs. */
export async function readJobRunPage(ctx: AppContext, q: JobRunListQuery): Promise<JobRunPage> {
  await backfillJobRunList(ctx.db);
  const main = q.job ? jobScope(q.job) : 'all';
  const scope = q.status && q.status !== 'running' ? (q.job ? `${main}:st:${q.status}` : `st:${q.status}`) : main;
  const [page, counters] = await Promise.all([
    readPage<JobRunDoc>(ctx.db, {
      list: JOB_RUN_LIST,
      scope,
      order: q.order,
      limit: q.limit,
      after: q.after,
      fetch: async (id) => (await ctx.models.JobRun.findById(id).lean()) as JobRunDoc | null,
      accept: (r) => (!q.job || r.job === q.job) && (!q.status || r.status === q.status),
    }),
    readScope(ctx.db, JOB_RUN_LIST, main),
  ]);
  const n = (s: RunStatus) => Number(counters?.[s] ?? 0);
  return { ...page, total: q.status ? n(q.status) : JOB_RUN_STATUSES.reduce((sum, s) => sum + n(s), 0) };
}

/** At most this many days of buckets one retention run walks. */
const PRUNE_MAX_DAYS = 400;

/**
 * Deletes runs that started before `beforeMs` and are not running, walking
 * the `all` day buckets from the oldest: each run is read and deleted by
 * `_id` (a deleted one moves its counters, once), its entries are pulled from
 * its buckets, and the scopes' first day moves past the emptied days.
 */
export async function pruneJobRuns(ctx: AppContext, beforeMs: number): Promise<number> {
  await backfillJobRunList(ctx.db);
  const all = await readScope(ctx.db, JOB_RUN_LIST, 'all');
  if (!all?.first) return 0;
  const lastDay = dayKey(beforeMs - 1);
  let deleted = 0;
  let firstKept: string | null = null;
  const jobsSeen = new Set<string>();
  let t = dayKeyToMs(all.first);
  for (let i = 0; i < PRUNE_MAX_DAYS; i++, t += DAY_MS) {
    const day = dayKey(t);
    if (day > lastDay || (all.last && day > all.last)) break;
    const bucket = await listDays(ctx.db).findOne({ _id: bucketId(JOB_RUN_LIST, 'all', day) });
    const pulls = new Map<string, string[]>();
    const pull = (scope: string, entry: string) => pulls.set(scope, [...(pulls.get(scope) ?? []), entry]);
    let kept = false;
    for (const entry of bucket?.entries ?? []) {
      const ms = Number(entry.slice(0, 13));
      const id = entry.slice(14);
      if (ms >= beforeMs) {
        kept = true;
        continue;
      }
      const run = (await ctx.models.JobRun.findById(id, { job: 1, status: 1 }).lean()) as Pick<JobRunDoc, '_id' | 'job' | 'status'> | null;
      if (run?.status === 'running') {
        kept = true;
        continue;
      }
      if (run) {
        const res = await ctx.models.JobRun.deleteOne({ _id: id, status: { $ne: 'running' } });
        if (res.deletedCount !== 1) {
          kept = true;
          continue;
        }
        deleted++;
        await incCounters(ctx.db, JOB_RUN_LIST, new Map(mainScopes(run.job).map((s) => [s, { [run.status]: -1 }])));
        jobsSeen.add(run.job);
        for (const s of [...mainScopes(run.job), ...statusScopes(run.job, run.status)]) if (s !== 'all') pull(s, entry);
      }
      pull('all', entry);
    }
    if (kept && firstKept === null) firstKept = day;
    const ops: AnyBulkWriteOperation<DayBucketDoc>[] = [...pulls].map(([s, entries]) => ({
      updateOne: { filter: { _id: bucketId(JOB_RUN_LIST, s, day) }, update: { $pullAll: { entries } } },
    }));
    await bulkWriteInChunks(listDays(ctx.db), ops);
    if (!kept && bucket) await listDays(ctx.db).deleteOne({ _id: bucket._id, entries: { $size: 0 } });
  }
  // Readers start at the first day that can still hold runs.
  const newFirst = firstKept ?? dayKey(t);
  const scopes = ['all', ...[...jobsSeen].flatMap((j) => [jobScope(j), ...(['succeeded', 'failed'] as const).flatMap((s) => statusScopes(j, s))])];
  const ops: AnyBulkWriteOperation<ScopeDoc>[] = [...new Set(scopes)].map((s) => ({
    updateOne: { filter: { _id: scopeId(JOB_RUN_LIST, s), first: { $lt: newFirst } }, update: { $set: { first: newFirst } } },
  }));
  await bulkWriteInChunks(listScopes(ctx.db), ops);
  return deleted;
}

