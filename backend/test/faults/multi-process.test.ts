import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import type { ApiServer } from '../../src/http/server';
import { startTestApi } from '../helpers/api';
import { createOffer } from '../helpers/tracking';
import { assertExactlyOnce, faultContext, fireClicks, spawnProcess, until, waitDrained, type Child, type FaultEnv, type LoadResult } from './helpers';
import { assertConvertedOnce, firePostbacks, startWorkerProcess, targetOf, waitConversions, type Sale } from './postback-load';

/**
 * Two API processes and two worker processes at once (as `Scaling out`
 * describes), on one Redis and one MongoDB-wire server, under a mixed load:
 * clicks through both APIs, and, while a second wave of clicks comes in,
 * postbacks for half of the first wave's clicks, also split over both APIs.
 * Every redirected click is stored once and counted once (live counters),
 * every sale is one conversion, counted once in the campaign's counters and
 * live, paid once, and reconciliation finds no difference.
 */
const MONEY = { revenueCents: 1000, payoutCents: 700 };
const WAVE = 300;
let ctx: AppContext;
let fault: FaultEnv;
let setupApi: ApiServer;
const procs: Child[] = [];

async function startApiProcess(): Promise<string> {
  const p = spawnProcess('backend/src/main/api.ts', fault, { LOG_LEVEL: 'info', SERVE_FRONTEND: 'false', HOST: '127.0.0.1', PORT: '0' });
  procs.push(p);
  return until('the API process to listen', () => {
    if (!p.alive()) throw new Error(`API exited early:\n${p.output().slice(-2000)}`);
    return /"msg":"api listening"/.test(p.output()) ? /"url":"(http:\/\/[^"]+)"/.exec(p.output())?.[1] : null;
  }, 30_000);
}

beforeAll(async () => {
  // The link stays cached through the test once each API has loaded it.
  ({ ctx, fault } = await faultContext({ env: { PAYOUT_HOLD_DAYS: '0', PAYOUT_MIN_CENTS: '0', LINK_CACHE_TTL_MS: '600000' } }));
  // Accounts and the campaign are set up through an API in this process; the load goes to the two others.
  setupApi = await startTestApi(ctx);
}, 60_000);

afterAll(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  await setupApi?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
}, 60_000);

const merged = (a: LoadResult, b: LoadResult) => [...a.redirected, ...b.redirected];

describe('two API and two worker processes under load', () => {
  it('clicks and postbacks through both APIs: every click stored once, every conversion once, counters right, reconciled', async () => {
    const startedAt = Date.now();
    const offer = await createOffer(ctx, setupApi.url);
    const t = targetOf(offer);
    const [api1, api2] = await Promise.all([startApiProcess(), startApiProcess()]);
    await Promise.all([startWorkerProcess(fault, {}, procs), startWorkerProcess(fault, {}, procs)]);
    const link = (api: string) => `${api}/c/${offer.linkId}`;
    // Each API loads the link once before the load (a first lookup that waits too long on a busy machine
    // is answered 503, Retry-After, and the visitor tries again, as here).
    const warmed: string[] = [];
    for (const api of [api1!, api2!]) {
      await until(`${api} to redirect a click`, async () => {
        const r = await fireClicks(link(api), 1, { concurrency: 1 });
        warmed.push(...r.redirected);
        return r.redirected.length === 1;
      }, 60_000, 500);
    }

    // Wave 1: clicks through both APIs at once.
    const [a1, b1] = await Promise.all([fireClicks(link(api1!), WAVE / 2, { concurrency: 20 }), fireClicks(link(api2!), WAVE / 2, { concurrency: 20 })]);
    const wave1 = merged(a1, b1);
    expect(wave1).toHaveLength(WAVE);
    // Wave 2 of clicks, and meanwhile postbacks for every other click of wave 1 (each API gets half of each).
    const sales: Sale[] = wave1.filter((_, i) => i % 2 === 0).map((clickId, i) => ({ clickId, txnId: `mp-${i}` }));
    const half = Math.ceil(sales.length / 2);
    const [a2, b2, p1, p2] = await Promise.all([
      fireClicks(link(api1!), WAVE / 2, { concurrency: 15 }),
      fireClicks(link(api2!), WAVE / 2, { concurrency: 15 }),
      firePostbacks(api2!, t.token, sales.slice(0, half), { concurrency: 10 }),
      firePostbacks(api1!, t.token, sales.slice(half), { concurrency: 10 }),
    ]);
    for (const r of [a1, b1, a2, b2]) {
      expect(r.errors).toEqual([]);
      expect(Object.keys(r.statuses)).toEqual(['302']);
    }
    const redirected = [...warmed, ...wave1, ...merged(a2, b2)];
    expect(redirected).toHaveLength(2 * WAVE + 2);

    await waitDrained(ctx, redirected.length, 60_000);
    await waitConversions(ctx, t.campaignId, sales.length, 60_000);
    expect(procs.every((p) => p.alive()), 'every process still running').toBe(true);
    const load = { statuses: { ...p1.statuses }, accepted: new Map([...p1.accepted, ...p2.accepted]), retries: p1.retries + p2.retries, acceptedAt: [...p1.acceptedAt, ...p2.acceptedAt], errors: [...p1.errors, ...p2.errors] };
    for (const [k, v] of Object.entries(p2.statuses)) load.statuses[Number(k)] = (load.statuses[Number(k)] ?? 0) + v;
    await assertConvertedOnce(ctx, t, sales, load, MONEY);
    const report = await assertExactlyOnce(ctx, redirected, startedAt);
    expect(report.checked.payouts).toBeGreaterThanOrEqual(1);
    console.log(JSON.stringify({ test: 'multi-process', clicks: redirected.length, conversions: sales.length, postbackStatuses: load.statuses, ms: Date.now() - startedAt }));
  }, 150_000);
});
