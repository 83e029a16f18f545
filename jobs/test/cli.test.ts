import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '@offerly/backend/context';
import { auditLog } from '@offerly/backend/audit/audit-log';
import { listPostbacks } from '@offerly/backend/conversions/postback-list';
import { newId } from '@offerly/backend/db/ids';
import { listScopes } from '@offerly/backend/db/list-buckets';
import { statsHourly } from '@offerly/backend/db/models/stats';
import { reportManifests } from '@offerly/backend/db/report-docs';
import { acquireLock } from '@offerly/backend/job-runs/lock';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';
import { RawEventsBuilder } from '../../backend/test/helpers/raw-events-builder';
import { parseInstant, runCli } from '../src/cli';
import { reconcileCli } from '../src/reconcile-cli';
import { processEnv, spawnTs } from './helpers';

let ctx: AppContext;
let b: RawEventsBuilder;
const DAY0 = Date.UTC(2026, 6, 1);
const HOUR = 3_600_000;

beforeAll(async () => {
  ctx = await createTestContext();
  b = new RawEventsBuilder(ctx);
  const c = await b.campaign();
  const aff = newId();
  const clicks = [];
  for (let d = 0; d < 3; d++) for (let h = 0; h < 24; h += 6) clicks.push({ at: DAY0 + d * 86_400_000 + h * HOUR + 60_000, campaign: c, affiliateId: aff });
  await b.addClicks(clicks);
  await b.addConversions([{ at: DAY0 + 7 * HOUR, campaign: c, affiliateId: aff }]);
});
afterAll(async () => { await destroyTestContext(ctx); });

describe('jobs command line', () => {
  it('backfills a date range, rows and report documents, with progress', async () => {
    const lines: string[] = [];
    const code = await runCli(ctx, ['rollup', '--from', '2026-07-01', '--to', '2026-07-04'], (l) => lines.push(l));
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith('[rollup] hourly'))).toHaveLength(3);
    expect(lines.find((l) => l.includes('72/72'))).toMatch(/^\[rollup\] hourly 20260703: 72\/72 hours \(100 %\), \d+ rows, [\d.]+ s$/);
    const result = JSON.parse(lines.at(-1)!);
    expect(result).toMatchObject({ job: 'rollup', status: 'succeeded', counts: { hours: 72, clicks: 12, conversions: 1, days: 3 } });
    expect(await statsHourly(ctx.db).countDocuments({})).toBe(13); // 12 click hours + the conversion's hour
    expect((await reportManifests(ctx.db).find({}).toArray()).map((m) => m._id).sort()).toEqual(['20260701', '20260702', '20260703']);
    const run = await ctx.models.JobRun.findById(result.runId).lean();
    expect(run).toMatchObject({ trigger: 'cli', windowFrom: new Date(DAY0), windowTo: new Date(DAY0 + 3 * 86_400_000) });
  });

  it('refuses bad arguments and says when another run holds the lock', async () => {
    const lines: string[] = [];
    expect(await runCli(ctx, ['nope'], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toContain('rollup-hourly');
    // A missing bound says how a window is written, with an example to copy.
    await expect(runCli(ctx, ['rollup', '--from', '2026-07-01'], () => {})).rejects.toThrow(
      'rollup needs --from and --to, each a date (UTC midnight) or a date-time with its UTC offset, --to after --from, e.g. npm run jobs -- rollup --from 2026-11-01T00:00Z --to 2026-11-02T00:00Z\n(--to is missing)',
    );
    await expect(runCli(ctx, ['rollup', '--from', '2026-07-02', '--to', '2026-07-01T00:00Z'], () => {})).rejects.toThrow('(--to must be after --from)');
    await expect(runCli(ctx, ['rollup', '--from', 'July', '--to', '2026-07-02'], () => {})).rejects.toThrow('ISO date');
    // Without an offset a date-time would be read in this machine's zone.
    await expect(runCli(ctx, ['rollup', '--from', '2026-07-01T10:00:00', '--to', '2026-07-02'], () => {})).rejects.toThrow('--from 2026-07-01T10:00:00: a date-time needs its UTC offset');
    await expect(reconcileCli(ctx, ['--from', '2026-07-01', '--to', '2026-07-02 00:00'], () => {})).rejects.toThrow('needs its UTC offset');
    expect(parseInstant('from', '2026-07-01')).toBe(DAY0);
    expect(parseInstant('from', '2026-07-01T02:00:00+02:00')).toBe(DAY0);
    const lock = (await acquireLock(ctx.redis, ctx.keys.jobLock('rollup-hourly'), 10_000))!;
    try {
      const out: string[] = [];
      expect(await runCli(ctx, ['rollup', '--from', '2026-07-01', '--to', '2026-07-02'], (l) => out.push(l))).toBe(3);
      expect(out).toEqual(['[rollup] not run: another run holds its lock']);
    } finally {
      await lock.release();
    }
  });

  it('reconcile prints a table and exits 1 on a difference, 0 when clean', async () => {
    const args = ['--from', '2026-07-01', '--to', '2026-07-04'];
    const clean: string[] = [];
    expect(await reconcileCli(ctx, args, (l) => clean.push(l))).toBe(0);
    expect(clean.at(-1)).toBe('OK: no differences');
    const oneDay: string[] = [];
    expect(await reconcileCli(ctx, ['--from', '2026-07-01', '--to', '2026-07-02'], (l) => oneDay.push(l))).toBe(0);
    expect(oneDay[0]).toMatch(/: 24 hours, 1 day, \d+ payouts? checked$/); // "1 day", not "1 days"
    const row = (await statsHourly(ctx.db).findOne({}))!;
    await statsHourly(ctx.db).updateOne({ _id: row._id }, { $inc: { clicks: 5 } });
    const out: string[] = [];
    expect(await reconcileCli(ctx, args, (l) => out.push(l))).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(/kind\s+key\s+field\s+expected\s+actual/);
    await statsHourly(ctx.db).updateOne({ _id: row._id }, { $inc: { clicks: -5 } });
    const key = `${row.hour.toISOString()}|${row.campaignId}|${row.affiliateId}|${row.sub1}`;
    // Against the raw events, and against the per-hour roll record the rollup wrote.
    expect(text).toMatch(new RegExp(`hourly +${key.replace(/[|.]/g, '\\$&')} +clicks +1 +6\n`));
    expect(text).toMatch(new RegExp(`hourly_parts +${key.replace(/[|.]/g, '\\$&')} +clicks +6 +1`));
  });

  it('reconcile --list-counters reports a drifted list counter; repair-list-counters corrects it, and again changes nothing', async () => {
    const args = ['--from', '2026-07-01', '--to', '2026-07-04', '--list-counters'];
    await listScopes(ctx.db).updateOne({ _id: 'jr|job:rollup' }, { $inc: { succeeded: 2 } as never });
    const out: string[] = [];
    expect(await reconcileCli(ctx, args, (l) => out.push(l))).toBe(1);
    expect(out[0]).toContain('list counters compared');
    const [, expected, actual] = /list_counters +jr\|job:rollup +succeeded +(\d+) +(\d+)\n/.exec(out.join('\n')) ?? [];
    expect(Number(actual)).toBe(Number(expected) + 2);
    const repair: string[] = [];
    expect(await runCli(ctx, ['repair-list-counters'], (l) => repair.push(l))).toBe(0);
    expect(repair[0]).toBe(`[repair-list-counters] jr|job:rollup succeeded: ${actual} → ${expected}`);
    expect(JSON.parse(repair.at(-1)!)).toMatchObject({ status: 'succeeded', counts: { scopes: 1 } });
    expect(await reconcileCli(ctx, args, () => {})).toBe(0);
    const again: string[] = [];
    expect(await runCli(ctx, ['repair-list-counters'], (l) => again.push(l))).toBe(0);
    expect(again).toHaveLength(1);
    expect(JSON.parse(again[0]!)).toMatchObject({ status: 'succeeded', counts: { scopes: 0 } });
  });

  it('check-list-counters (scheduled) corrects a postback stored and never counted, with an audit entry, and again changes nothing', async () => {
    const pb = { _id: newId(), receivedAt: new Date(Date.now() - 60_000), campaignId: null, advertiserId: null, state: 'rejected', params: {} };
    await listPostbacks(ctx.db, [pb]);
    await ctx.db.collection('postbacks').insertOne(pb as never);
    const out: string[] = [];
    expect(await runCli(ctx, ['check-list-counters'], (l) => out.push(l))).toBe(0);
    expect(out[0]).toBe('[check-list-counters] pb|all n: 0 → 1');
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ status: 'succeeded', counts: { repaired: 1 } });
    expect(await auditLog(ctx.db).findOne({ action: 'list_counter.repair', 'target.id': 'pb|all' })).toMatchObject({ actor: null, details: { from: 0, to: 1 } });
    const again: string[] = [];
    expect(await runCli(ctx, ['check-list-counters'], (l) => again.push(l))).toBe(0);
    expect(again).toHaveLength(1);
    expect(JSON.parse(again[0]!)).toMatchObject({ status: 'succeeded', counts: { repaired: 0 } });
  });

  it('runs as a real process: npm run reconcile exits 0 on clean data', async () => {
    const p = spawnTs('jobs/src/reconcile-main.ts', ['--from', '2026-07-01', '--to', '2026-07-04'], processEnv(ctx, { LOG_LEVEL: 'warn' }));
    const code = await p.exited;
    expect(p.output()).toContain('OK: no differences');
    expect(code).toBe(0);
  }, 60_000);
});
