import { parseConfig } from '@offerly/backend/config';
import { createContext } from '@offerly/backend/context';
import { ADVERTISERS } from '../../seed/src/catalog';
import type { ReadsOptions } from './options';
import { newTarget, progress, startOfferlyApi } from './processes';
import { signIn, timedGets, type Answer } from './reads-client';
import { READ_ROLES, readPlan, type PlanIds, type ReadRole } from './reads-plan';
import { timeJobs, type JobTimings } from './jobs-timing';
import { buildDemoHistory } from './reads-seed';
import { percentile, round } from './stats';

export interface ReadTiming {
  page: string;
  /** The GET measured (the first of them when a page sends several at once). */
  path: string;
  /** GETs sent in parallel per measurement (a list page's live cells), usually 1. */
  requests: number;
  /** HTTP status of every call (null: timed out or failed). */
  statuses: Array<number | null>;
  coldMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  samplesMs: number[];
  bytes: number;
  error?: string;
}

export interface SkippedRead {
  page: string;
  skipped: string;
}

export interface ReadsResult {
  volume: {
    days: number;
    clicks: number;
    conversions: number;
    postbacks: number;
    payoutRuns: number;
    payouts: number;
    hourlyRows: number;
    conversionRateFactor: number;
  };
  ms: { seed: { network: number; history: number; counters: number; rollups: number; payouts: number; total: number }; reads: number };
  /** Scheduled job steps on the same data. */
  jobs: JobTimings;
  accounts: Record<ReadRole, string> & { campaignId: string; campaignName: string; why: string };
  repeats: number;
  timeoutMs: number;
  endpoints: Record<ReadRole, Record<string, ReadTiming | SkippedRead>>;
  /** The 90-day campaign report (custom range, daily, UTC), for the roles that open campaign pages. */
  campaignReport90d: Partial<Record<ReadRole, ReadTiming | SkippedRead>>;
  maxP95Ms: number | null;
  maxP95Endpoint: string | null;
  /** The endpoints by p95, slowest first: `role.key p95Ms`. */
  slowest: string[];
  /** Every measured call answered 2xx within the timeout. */
  allOk: boolean;
  tenX: string | null;
  method: string;
}

/** Cold = the first call; p50 and p95 by nearest rank over all calls, the cold one included (with 5 calls p95 is the slowest). */
export function summarizeReads(page: string, paths: string[], answers: Answer[]): ReadTiming {
  const ms = answers.map((a) => Math.round(a.ms));
  const error = answers.find((a) => a.error)?.error;
  return {
    page,
    path: paths[0]!,
    requests: paths.length,
    statuses: answers.map((a) => a.status),
    coldMs: ms[0] ?? null,
    p50Ms: round(percentile(ms, 50), 0),
    p95Ms: round(percentile(ms, 95), 0),
    samplesMs: ms,
    bytes: answers.at(-1)?.bytes ?? 0,
    ...(error ? { error } : {}),
  };
}

export const isTiming = (t: ReadTiming | SkippedRead): t is ReadTiming => 'p95Ms' in t;
const answeredOk = (t: ReadTiming) => t.statuses.every((s) => s !== null && s >= 200 && s < 300);

/** maxP95Ms, its endpoint, the slowest ten and whether every call answered 2xx. */
export function readsSummary(endpoints: ReadsResult['endpoints']): Pick<ReadsResult, 'maxP95Ms' | 'maxP95Endpoint' | 'slowest' | 'allOk'> {
  const timings = READ_ROLES.flatMap((role) => Object.entries(endpoints[role]).flatMap(([key, t]) => (isTiming(t) ? [{ name: `${role}.${key}`, t }] : [])));
  const ranked = timings.filter((x) => x.t.p95Ms !== null).sort((a, b) => b.t.p95Ms! - a.t.p95Ms!);
  return {
    maxP95Ms: ranked[0]?.t.p95Ms ?? null,
    maxP95Endpoint: ranked[0]?.name ?? null,
    slowest: ranked.slice(0, 10).map((x) => `${x.name} ${x.t.p95Ms} ms`),
    allOk: timings.length > 0 && timings.every((x) => answeredOk(x.t)),
  };
}

/**
 * Dashboard reads on the demo history: the seed's own code builds `days`
 * days of history with `clicks` clicks (optionally 10× the conversions) into
 * a fresh database, the real API process serves it, and each role signs in
 * and makes every read its pages make (reads-plan.ts), `repeats` times in a
 * row, one request at a time. No worker or jobs process runs meanwhile.
 */
export async function runReadsSuite(o: ReadsOptions, base: { mongoUrl: string; redisUrl: string; dataDir: string }): Promise<ReadsResult> {
  const t = newTarget(base, 'reads');
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: t.mongoDb, REDIS_PREFIX: t.redisPrefix, JWT_SECRET: t.jwtSecret, DATA_DIR: t.dataDir });
  const ctx = await createContext(config, { name: 'bench-reads', mongoUrl: t.mongoUrl, redisUrl: t.redisUrl });
  try {
    const factor = o.tenX ? 10 : 1;
    progress(`reads: seeding ${o.days} days, ${o.clicks} clicks${o.tenX ? ', 10× conversion rate' : ''} with the seed's code`);
    const demo = await buildDemoHistory(ctx, { days: o.days, clicks: o.clicks, conversionRateFactor: factor, log: (m) => progress(`reads: ${m}`) });
    progress(`reads: seeded in ${demo.ms.total} ms`);
    const jobs = await timeJobs(ctx);
    progress(`reads: payout runs ${jobs.payoutRunMs.join(', ')} ms; auto-approve runs ${jobs.autoApproveMs.join(', ')} ms`);

    // The busiest campaign (the seed's traffic weights fall with the catalog order), its advertiser, and the
    // first approved affiliate, who holds the heaviest link of every campaign it promotes.
    const top = demo.net.campaigns[0]!;
    const advertiser = ADVERTISERS.find((a) => a.key === top.demo.advertiser)!;
    const affiliate = demo.net.affiliates.find((a) => a.status === 'approved')!;
    const ids: PlanIds = { campaignId: top.doc._id, affiliateId: affiliate.id, offerId: top.doc._id };
    const emails: Record<ReadRole, string> = { admin: demo.net.adminEmail, advertiser: advertiser.email, affiliate: affiliate.email };

    const api = await startOfferlyApi(t);
    const readsStart = Date.now();
    const endpoints: ReadsResult['endpoints'] = { admin: {}, advertiser: {}, affiliate: {} };
    try {
      const tokens = {} as Record<ReadRole, string>;
      for (const role of READ_ROLES) tokens[role] = await signIn(api.url, emails[role], role === 'admin' ? demo.net.adminPassword : demo.demoPassword);
      const plan = readPlan(ids, Date.now());
      for (const role of READ_ROLES) {
        const answers = new Map<string, unknown>();
        for (const call of plan.filter((c) => c.role === role)) {
          const paths = call.paths(answers);
          if (!paths) {
            endpoints[role][call.key] = { page: call.page, skipped: 'nothing to open in the seeded data (the list before it is empty)' };
            progress(`reads: ${role} ${call.key}: skipped`);
            continue;
          }
          const calls: Answer[] = [];
          for (let i = 0; i < o.repeats; i++) {
            const a = await timedGets(api.url, tokens[role], paths, o.timeoutMs);
            calls.push(a);
            if (a.status === null) break; // timed out or failed: no point waiting for it again
          }
          answers.set(call.key, calls.at(-1)!.body);
          const timing = summarizeReads(call.page, paths, calls);
          endpoints[role][call.key] = timing;
          progress(`reads: ${role} ${call.key}: cold ${timing.coldMs} ms, p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms (${timing.statuses.join(',')})${timing.error ? ` ${timing.error}` : ''}`);
        }
      }
    } finally {
      await api.stop();
    }

    return {
      volume: { days: o.days, ...demo.counts, conversionRateFactor: factor },
      ms: { seed: demo.ms, reads: Date.now() - readsStart },
      jobs,
      accounts: { ...emails, campaignId: top.doc._id, campaignName: top.doc.name, why: 'the seed catalog’s first campaign gets the most traffic (Pareto weights by catalog order); its advertiser; the first approved affiliate holds the heaviest link of every campaign it promotes' },
      repeats: o.repeats,
      timeoutMs: o.timeoutMs,
      endpoints,
      campaignReport90d: { admin: endpoints.admin.campaignReport90d, advertiser: endpoints.advertiser.campaignReport90d },
      ...readsSummary(endpoints),
      tenX: o.tenX
        ? 'the seed has no conversion-rate option: each campaign’s catalog conversion rate (seed/src/catalog.ts `cr`, 1–8 %) was multiplied by 10 in a copy of the seeded network handed to writeHistory; clicks are unchanged, and campaign caps may turn some extra conversions into cap_reached rejections (still stored)'
        : null,
      method:
        'history by the seed’s own functions (seedNetwork, writeHistory, rebuildCampaignCounters, applyFinalStatuses, rebuildLiveCounters, rollUpHistory, runHistoricalPayouts), window ending at the last full hour; ' +
        'then the API process (backend/src/main/api.ts, no worker or jobs process) answers each role’s dashboard reads (bench/src/reads-plan.ts, from frontend/src/api and its pages), signed in with a Bearer token, ' +
        'one request at a time, each read `repeats` times in a row (a timed-out or failed call is not repeated; its time counts as the timeout, a lower bound, and the server may still be working on it while the next reads run); ' +
        'ms from the request to the last byte; cold = first call; p50/p95 by nearest rank over all calls, the cold one included',
    };
  } finally {
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
  }
}
