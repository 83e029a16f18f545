import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { newId } from '../src/db/ids';
import { listScopes } from '../src/db/list-buckets';
import type { JobRunDoc } from '../src/db/models/job-run';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { runJob } from '../src/job-runs/run-job';
import { countNewRun, countStoredRuns, JOB_RUN_LIST, JOB_RUN_STATUSES, listNewRun, listRuns, pruneJobRuns } from '../src/job-runs/run-list';
import { approvedAffiliate, createAdmin, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { allPages } from './helpers/cursor-pages';
import type { TestClient } from './helpers/http-client';

let ctx: AppContext;
let api: ApiServer;
let admin: TestClient;
const NOW = Date.now();
const JOBS = ['alpha', 'beta', 'gamma'];

/** Runs written directly (older history), listed first and counted once stored, as the seed would. */
async function storeRuns(runs: JobRunDoc[]): Promise<void> {
  await listRuns(ctx.db, runs);
  await ctx.models.JobRun.insertMany(runs);
  await countStoredRuns(ctx.db, runs);
}

const runDoc = (job: string, startedAt: number, status: JobRunDoc['status']): JobRunDoc => ({
  _id: newId(),
  job,
  trigger: 'schedule',
  slot: null,
  windowFrom: null,
  windowTo: null,
  startedAt: new Date(startedAt),
  finishedAt: status === 'running' ? null : new Date(startedAt + 1000),
  status,
  counts: {},
  details: {},
  error: status === 'failed' ? 'boom' : null,
  host: null,
});

async function expectCountersEqualRows() {
  const stored = (await ctx.models.JobRun.find({}, { job: 1, status: 1 }).lean()) as JobRunDoc[];
  for (const scope of ['all', ...new Set(stored.map((r) => `job:${r.job}`))]) {
    const doc = await listScopes(ctx.db).findOne({ _id: `${JOB_RUN_LIST}|${scope}` });
    const rows = stored.filter((r) => scope === 'all' || `job:${r.job}` === scope);
    expect(Object.fromEntries(JOB_RUN_STATUSES.map((s) => [s, doc?.[s] ?? 0])), scope).toEqual(Object.fromEntries(JOB_RUN_STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length])));
  }
}

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  api = await startTestApi(ctx);
  ({ client: admin } = await createAdmin(ctx, api.url));
  // 45 days of history, 6 runs a day over three jobs, some failed.
  await storeRuns(Array.from({ length: 270 }, (_, i) => runDoc(JOBS[i % 3]!, NOW - 45 * DAY_MS + i * 4 * 3_600_000, i % 7 === 0 ? 'failed' : 'succeeded')));
}, 60_000);
afterAll(async () => {
  await api?.close();
  if (ctx) await destroyTestContext(ctx);
});

describe('job runs list (day buckets per job and status, cursors, counters)', () => {
  it('pages through every run once, newest first, while jobs run; counters equal the rows', async () => {
    let ran = 0;
    const { rows, total } = await allPages(admin, '/api/admin/job-runs', 17, async (page) => {
      if (page % 2 === 0 && ran < 6) {
        ran++;
        await runJob(ctx, { job: JOBS[ran % 3]!, trigger: 'manual' }, async () => {
          if (ran % 2) throw new Error('fails on purpose');
          return { counts: { n: ran } };
        });
      }
    });
    expect(ran).toBe(6);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const stored = (await ctx.models.JobRun.find({}).lean()) as JobRunDoc[];
    // Every run stored before the read started is on a page (new ones are newer than the cursor).
    expect(ids.length).toBe(270);
    for (let i = 1; i < rows.length; i++) expect(new Date(rows[i - 1]!.startedAt).getTime() >= new Date(rows[i]!.startedAt).getTime()).toBe(true);
    expect(total).toBe(270);
    const after = await admin.get('/api/admin/job-runs?limit=1');
    expect(after.body.total).toBe(stored.length);
    await expectCountersEqualRows();
  });

  it('filters by job and by status (each read through its own buckets), totals from the counters', async () => {
    const stored = (await ctx.models.JobRun.find({}).lean()) as JobRunDoc[];
    const cases: Array<[string, (r: JobRunDoc) => boolean]> = [
      ['?job=alpha', (r) => r.job === 'alpha'],
      ['?status=failed', (r) => r.status === 'failed'],
      ['?status=succeeded&sort=startedAt&order=asc', (r) => r.status === 'succeeded'],
      ['?job=beta&status=failed', (r) => r.job === 'beta' && r.status === 'failed'],
      ['?job=nope', () => false],
      ['?status=running', (r) => r.status === 'running'],
    ];
    for (const [query, pred] of cases) {
      const { rows, total } = await allPages(admin, `/api/admin/job-runs${query}`, 9);
      const expected = stored.filter(pred).map((r) => r._id);
      expect(rows.map((r) => r.id).sort(), query).toEqual(expected.sort());
      expect(total, query).toBe(expected.length);
    }
  });

  it('marks a run left running abandoned when the job runs again, counting the move once', async () => {
    const left = runDoc('alpha', Date.now() - 60_000, 'running');
    await listNewRun(ctx.db, left);
    await ctx.models.JobRun.create(left);
    await countNewRun(ctx.db, left);
    expect((await admin.get('/api/admin/job-runs?status=running')).body.items.map((r: any) => r.id)).toEqual([left._id]);
    const outcome = await runJob(ctx, { job: 'alpha', trigger: 'manual' }, async () => ({ counts: {} }));
    expect(outcome.status).toBe('succeeded');
    expect(await ctx.models.JobRun.findById(left._id).lean()).toMatchObject({ status: 'failed', error: expect.stringMatching(/^abandoned/) });
    const failed = await allPages(admin, '/api/admin/job-runs?job=alpha&status=failed', 50);
    expect(failed.rows.map((r) => r.id)).toContain(left._id);
    await runJob(ctx, { job: 'alpha', trigger: 'manual' }, async () => ({ counts: {} }));
    await expectCountersEqualRows();
    expect((await admin.get('/api/admin/job-runs?status=running')).body.total).toBe(0);
  });

  it('retention deletes old runs through the buckets, keeps the counters and the lists right', async () => {
    const before = NOW - 30 * DAY_MS;
    const expectedGone = await ctx.models.JobRun.countDocuments({ startedAt: { $lt: new Date(before) } });
    expect(expectedGone).toBeGreaterThan(0);
    expect(await pruneJobRuns(ctx, before)).toBe(expectedGone);
    expect(await ctx.models.JobRun.countDocuments({ startedAt: { $lt: new Date(before) } })).toBe(0);
    expect(await pruneJobRuns(ctx, before)).toBe(0);
    await expectCountersEqualRows();
    const stored = (await ctx.models.JobRun.find({}).lean()) as JobRunDoc[];
    for (const query of ['', '?job=gamma', '?status=failed', '?job=gamma&status=succeeded']) {
      const { rows, total } = await allPages(admin, `/api/admin/job-runs${query}&sort=startedAt&order=asc`.replace('s&', 's?'), 25);
      const pred = (r: JobRunDoc) => (!query.includes('gamma') || r.job === 'gamma') && (!query.includes('status=') || r.status === query.split('status=')[1]);
      expect(rows.map((r) => r.id).sort(), query).toEqual(stored.filter(pred).map((r) => r._id).sort());
      expect(total, query).toBe(stored.filter(pred).length);
    }
    // Readers start at the first day still holding runs.
    const all = await listScopes(ctx.db).findOne({ _id: `${JOB_RUN_LIST}|all` });
    expect(all?.first).toBe(new Date(Math.min(...stored.map((r) => r.startedAt.getTime()))).toISOString().slice(0, 10).replaceAll('-', ''));
  });

  it('is for admins only, and answers 400 for a bad cursor, a page number past the first or another sort', async () => {
    const aff = await approvedAffiliate(api.url, admin, 'Runs Affiliate');
    expect((await aff.client.get('/api/admin/job-runs')).status).toBe(403);
    const bad = await admin.get('/api/admin/job-runs?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('cursor');
    expect((await admin.get('/api/admin/job-runs?page=2')).status).toBe(400);
    expect((await admin.get('/api/admin/job-runs?sort=status')).status).toBe(400);
  });
});

describe('backfill of job runs stored before the buckets', () => {
  it('lists, counts and opens pre-existing runs once, recorded in migrations', async () => {
    const old = await createTestContext();
    try {
      const runs = [...Array.from({ length: 14 }, (_, i) => runDoc(i % 2 ? 'x' : 'y', NOW - i * DAY_MS, i % 5 === 0 ? 'failed' : 'succeeded')), runDoc('x', NOW - 1000, 'running')];
      await old.models.JobRun.insertMany(runs);
      const oldApi = await startTestApi(old);
      try {
        const { client } = await createAdmin(old, oldApi.url);
        const all = await allPages(client, '/api/admin/job-runs', 4);
        expect(all.rows.map((r) => r.id).sort()).toEqual(runs.map((r) => r._id).sort());
        expect(all.total).toBe(15);
        expect((await client.get('/api/admin/job-runs?job=x&status=failed')).body.total).toBe(runs.filter((r) => r.job === 'x' && r.status === 'failed').length);
        expect(await old.db.collection<{ _id: string }>('migrations').findOne({ _id: 'list_job_runs' })).not.toBeNull();
        // The old running run is closed by the next run of its job.
        await runJob(old, { job: 'x', trigger: 'manual' }, async () => ({ counts: {} }));
        expect((await old.models.JobRun.findById(runs[14]!._id).lean())?.status).toBe('failed');
        expect((await client.get('/api/admin/job-runs?status=running')).body.total).toBe(0);
        expect((await client.get('/api/admin/job-runs?job=x')).body.total).toBe(runs.filter((r) => r.job === 'x').length + 1);
      } finally {
        await oldApi.close();
      }
    } finally {
      await destroyTestContext(old);
    }
  });
});
