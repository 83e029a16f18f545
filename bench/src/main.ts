/**
 * The benchmark suite: `npm run bench [-- --quick | --only click,postback,analytics,reads | --help]`.
 * Starts its own throwaway Redis and MongoDB-wire server (unless
 * BENCH_MONGO_URL / BENCH_REDIS_URL are set), runs every server under test in
 * its own child process, prints progress to stderr and one JSON report to
 * stdout and to `--out` (reports/bench-<timestamp>.json by default).
 * Exits 1 when a suite failed or a figure or check is missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '@offerly/backend/config';
import { createContext } from '@offerly/backend/context';
import { REPO_ROOT } from '@offerly/backend/services/paths';
import { startLocalServices, type LocalServices } from '@offerly/backend/services/index';
import { runAnalyticsSuite } from './analytics';
import { runClickSuite } from './click';
import { parseBenchArgs, USAGE, type BenchOptions } from './options';
import { runPostbackSuite } from './postbacks';
import { runReadsSuite } from './reads';
import { progress, stopAllChildren } from './processes';
import { failedChecks, missingFigures, type BenchReport, type MachineInfo } from './report';

const loadavg = () => os.loadavg().map((n) => Math.round(n * 100) / 100);

async function serverVersions(services: LocalServices, dataDir: string): Promise<{ mongo: string | null; redis: string | null }> {
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGO_DB: `bench_meta_${process.pid}`, REDIS_PREFIX: `bench-meta-${process.pid}`, DATA_DIR: dataDir });
  const ctx = await createContext(config, { name: 'bench-meta', mongoUrl: services.mongoUrl, redisUrl: services.redisUrl });
  try {
    const info = (await ctx.db.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    const redisInfo = await ctx.redis.info('server');
    return { mongo: info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion} (MongoDB ${info.version})` : (info.version ?? null), redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? null };
  } finally {
    await ctx.db.dropDatabase().catch(() => {});
    await ctx.close();
  }
}

async function suite<T>(name: string, run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (err) {
    progress(`${name} failed: ${(err as Error).stack ?? String(err)}`);
    await stopAllChildren();
    return { error: (err as Error).message ?? String(err) };
  }
}

async function main(opts: BenchOptions): Promise<number> {
  const started = Date.now();
  const loadAtStart = loadavg();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-bench-'));
  let services: LocalServices | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await stopAllChildren();
      await services?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    })());
  const onSignal = (sig: NodeJS.Signals) => {
    progress(`${sig}: stopping what this run started`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    services = await startLocalServices({ dataDir, mongoUrl: process.env.BENCH_MONGO_URL, redisUrl: process.env.BENCH_REDIS_URL, log: progress });
    const versions = await serverVersions(services, dataDir);
    const base = { mongoUrl: services.mongoUrl, redisUrl: services.redisUrl, dataDir };
    progress(`services: ${versions.mongo ?? services.mongoKind}, Redis ${versions.redis ?? '?'}; ${os.cpus().length} cores; load ${loadAtStart.join(' ')}`);

    const report: Partial<BenchReport> = {};
    if (opts.only.includes('click')) report.click = await suite('click', () => runClickSuite(opts, base));
    if (opts.only.includes('postback')) report.postbacks = await suite('postbacks', () => runPostbackSuite({ postbacks: opts.postbacks, connections: opts.connections, durationS: opts.durationS, concurrency: opts.postbackConcurrency }, base));
    if (opts.only.includes('analytics')) report.analytics = await suite('analytics', () => runAnalyticsSuite(opts.analytics, base));
    if (opts.only.includes('reads')) report.reads = await suite('reads', () => runReadsSuite(opts.reads, base));

    const machine: MachineInfo = {
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      mongo: services.mongoKind,
      mongoVersion: versions.mongo,
      redis: services.redisKind,
      redisVersion: versions.redis,
      loadavgAtStart: loadAtStart,
      loadavgAtEnd: loadavg(),
    };
    const { out: _out, ...config } = opts;
    const full: BenchReport = {
      machine,
      when: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      config,
      ...report,
      missing: [...missingFigures(report, opts.only), ...failedChecks(report).map((c) => `check failed: ${c}`)],
    };
    const json = JSON.stringify(full, null, 2);
    const outFile = path.resolve(REPO_ROOT, opts.out);
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, `${json}\n`);
    process.stdout.write(`${json}\n`);
    progress(`written to ${path.relative(process.cwd(), outFile) || outFile} in ${full.durationS} s`);
    return full.missing.length === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

let opts: BenchOptions;
try {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  opts = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
main(opts).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
