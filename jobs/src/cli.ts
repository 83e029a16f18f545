import { parseArgs } from 'node:util';
import type { AppContext } from '@offerly/backend/context';
import { findJob, JOBS } from './registry';
import { executeJob } from './run';

export function usage(): string {
  const lines = JOBS.map((j) => `  ${j.name.padEnd(14)} ${j.summary}${j.needsWindow ? ' (needs --from and --to)' : ''}`);
  return ['usage: npm run jobs                      start the scheduler', '       npm run jobs -- <job> [--from ISO --to ISO]   run one job now', '', 'jobs:', ...lines].join('\n');
}

export function parseInstant(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw new Error(`--${name} must be an ISO date or date-time, e.g. 2026-11-01 or 2026-11-01T10:00:00Z`);
  return ms;
}

/** Runs one job from the command line; resolves to the process exit code. */
export async function runCli(ctx: AppContext, argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' } } });
  const def = findJob(positionals[0] ?? '');
  if (!def) {
    out(`unknown job ${JSON.stringify(positionals[0] ?? '')}\n${usage()}`);
    return 2;
  }
  const from = parseInstant('from', values.from);
  const to = parseInstant('to', values.to);
  if (def.needsWindow && (from === undefined || to === undefined)) throw new Error(`${def.name} needs --from and --to`);
  if (from !== undefined && to !== undefined && to <= from) throw new Error('--to must be after --from');
  const started = Date.now();
  const outcome = await executeJob(ctx, def, { trigger: 'cli', from, to, progress: (m) => out(`[${def.name}] ${m}`) });
  if (outcome.status === 'skipped') {
    out(`[${def.name}] not run: ${outcome.reason === 'locked' ? 'another run holds its lock' : 'this slot already ran'}`);
    return 3;
  }
  const r = outcome.run;
  out(JSON.stringify({ job: r.job, runId: r._id, status: r.status, counts: r.counts, error: r.error, seconds: (Date.now() - started) / 1000 }));
  return r.status === 'succeeded' ? 0 : 1;
}
