import { parseArgs } from 'node:util';
import type { AppContext } from '@offerly/backend/context';
import { parseTimeBound } from '@offerly/backend/domain/time-bounds';
import { findJob, JOBS } from './registry';
import { executeJob } from './run';

export function usage(): string {
  const lines = JOBS.map((j) => `  ${j.name.padEnd(14)} ${j.summary}${j.needsWindow ? ' (needs --from and --to)' : ''}`);
  return ['usage: npm run jobs                      start the scheduler', '       npm run jobs -- <job> [--from ISO --to ISO]   run one job now', '', 'jobs:', ...lines].join('\n');
}

/**
 * `--from`/`--to`: a date is that UTC day's midnight; a date-time needs its
 * offset (`Z`, `+01:00`), since without one it would be read in this
 * machine's zone.
 */
export function parseInstant(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const b = parseTimeBound(value);
  if (b.kind === 'day') return Date.parse(`${b.day}T00:00:00Z`);
  if (b.kind === 'instant') return b.ms;
  if (b.kind === 'no_offset') throw new Error(`--${name} ${value}: a date-time needs its UTC offset, e.g. ${value}Z or ${value}+01:00 (a date alone is UTC midnight)`);
  throw new Error(`--${name} must be an ISO date or date-time with its offset, e.g. 2026-11-01 (UTC midnight) or 2026-11-01T10:00:00Z`);
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
