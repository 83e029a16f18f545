import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installedSchemathesis } from '../../src/services/schemathesis-install';

/** What every run checks: no 5xx, only documented statuses and media types, bodies that match their schemas. */
export const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

/**
 * Left out: signing out would end the run's own session half-way, and the
 * queue dashboard and the reference page are HTML and scripts, not API JSON.
 */
export const EXCLUDED_PATHS = /^\/api\/(auth\/logout|admin\/queues|reference)(\/.*)?$/;

/** Ids of records the test made, sent as a path parameter of these operations in about half their requests. */
export interface KnownRecords {
  name: string;
  param: string;
  ids: string[];
  operations: string[];
}

/**
 * No signing up on its own (the document declares register and login): each run is the caller it is given.
 * No requests with methods the document does not list: Express answers them 404 without reaching a route.
 * The coverage phase (every boundary and invalid value of every field) is left out for the operations
 * an earlier run covered: what it sends is refused the same way whoever sends it.
 * Generated ids find no record, so the known ones let some requests read a real one.
 */
export function configFor(opts: Pick<RunOptions, 'operations' | 'covered' | 'known'>): string {
  const lines = ['[auth]', 'auto-signup = false', '', '[phases.coverage]', 'unexpected-methods = []'];
  const inRun = (names: string[]) => names.filter((name) => opts.operations.includes(name));
  const covered = inRun(opts.covered);
  if (covered.length) lines.push('', '[[operations]]', `include-name = ${JSON.stringify(covered)}`, 'phases.coverage.enabled = false');
  for (const k of opts.known) {
    const names = inRun(k.operations);
    if (!names.length) continue;
    lines.push('', `[dictionaries.${k.name}]`, `values = ${JSON.stringify(k.ids)}`);
    lines.push('', '[[operations]]', `include-name = ${JSON.stringify(names)}`, `parameters = { "path.${k.param}" = { dictionary = "${k.name}", probability = 0.5 } }`);
  }
  return `${lines.join('\n')}\n`;
}

export interface RunOptions {
  /** Bearer token of the caller; none for the public run. */
  token?: string;
  /** Operations to test, as "METHOD /path/{param}". */
  operations: string[];
  /** Of those, the ones whose invalid inputs an earlier run already sent (no coverage phase for them). */
  covered: string[];
  known: KnownRecords[];
  seed: number;
  maxExamples: number;
  /** Whole run, after which the child is stopped and the test fails (a hang is a finding too). */
  deadlineMs: number;
}

export interface RunResult {
  code: number | null;
  output: string;
  ms: number;
}

export function schemathesisCommand(): string {
  const bin = installedSchemathesis();
  if (!bin) throw new Error('schemathesis is not installed: run `npm run prepare:services` (it installs the pinned version into .cache/venv)');
  return bin;
}

export function runArgs(docUrl: string, configFile: string, opts: RunOptions): string[] {
  return [
    '--config-file', configFile,
    'run',
    docUrl,
    '--checks', CHECKS.join(','),
    ...opts.operations.flatMap((name) => ['--include-name', name]),
    // Stateful testing needs links between operations, which the document does not declare.
    '--phases', 'examples,coverage,fuzzing',
    '--max-examples', String(opts.maxExamples),
    '--seed', String(opts.seed),
    // One: with two, threads parse generator sources at once and Python 3.11's ast module fails now and then
    // ("AST constructor recursion depth mismatch"), which ends the run with a runtime error.
    '--workers', '1',
    '--request-timeout', '10',
    // Examples found by one run must not change what the next one generates.
    '--generation-database', 'none',
    '--no-color',
    ...(opts.token ? ['--header', `Authorization: Bearer ${opts.token}`] : []),
  ];
}

/** Runs schemathesis against the document at docUrl; resolves with its exit code and everything it printed. */
export function runSchemathesis(docUrl: string, opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  // Its own working directory, so nothing it writes lands in the checkout.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-schemathesis-'));
  const configFile = path.join(cwd, 'schemathesis.toml');
  fs.writeFileSync(configFile, configFor(opts));
  const child = spawn(schemathesisCommand(), runArgs(docUrl, configFile, opts), { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '120' } });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  // Interrupted first, so it still prints what it found so far.
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    output += `\n[test] schemathesis still running after ${opts.deadlineMs} ms: interrupted\n`;
    child.kill('SIGINT');
    killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  }, opts.deadlineMs);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      clearTimeout(killer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

/** The part of the report worth reading in an assertion message: the failures with their curl reproductions, then the summary. */
export function failureReport(output: string): string {
  const start = output.search(/^=+ FAILURES =+$/m);
  const text = start >= 0 ? output.slice(start) : output;
  return text.length > 20_000 ? `${text.slice(0, 20_000)}\n… (${text.length - 20_000} more characters)` : text;
}
