import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { AppContext } from '@offerly/backend/context';
import { parseTimeBound } from '@offerly/backend/domain/time-bounds';
import { findJob, JOBS } from './registry';
import { executeJob } from './run';

const EXAMPLE_WINDOW = '--from 2026-11-01T00:00Z --to 2026-11-02T00:00Z';

export function usage(): string {
  const lines = JOBS.map((j) => `  ${j.name.padEnd(14)} ${j.summary}${j.needsWindow ? ` (needs a window, e.g. ${EXAMPLE_WINDOW})` : ''}`);
  return [
    'usage: npm run jobs                      start the scheduler',
    '       npm run jobs -- <job> [--from ISO --to ISO]   run one job now',
    '       (--from/--to: a date is UTC midnight; a date-time needs its offset, e.g. 2026-11-01T00:00Z)',
    '',
    'jobs:',
    ...lines,
  ].join('\n');
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

const bound = (name: 'from' | 'to') =>
  z.string({ error: `--${name} is missing` }).transform((v, c) => {
    try {
      return parseInstant(name, v) as number;
    } catch (err) {
      c.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** The window of a job that needs one: both bounds, `--to` after `--from`. */
const JobWindow = z
  .object({ from: bound('from'), to: bound('to') })
  .refine((w) => w.to > w.from, { message: '--to must be after --from', path: ['to'] });

/** The window a job runs over, or an error saying what is wrong and how a window is written. */
export function parseWindow(job: string, values: { from?: string; to?: string }, required: boolean): { from?: number; to?: number } {
  if (!required && values.from === undefined && values.to === undefined) return {};
  const parsed = JobWindow.safeParse(values);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => i.message).join('; ');
  throw new Error(`${job} needs --from and --to, each a date (UTC midnight) or a date-time with its UTC offset, --to after --from, e.g. npm run jobs -- ${job} ${EXAMPLE_WINDOW}\n(${problems})`);
}

/** Runs one job from the command line; resolves to the process exit code. */
export async function runCli(ctx: AppContext, argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' } } });
  const def = findJob(positionals[0] ?? '');
  if (!def) {
    out(`unknown job ${JSON.stringify(positionals[0] ?? '')}\n${usage()}`);
    return 2;
  }
  const { from, to } = parseWindow(def.name, values, def.needsWindow === true);
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
