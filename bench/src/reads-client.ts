/**
 * Signed-in GETs against the API process, timed from the request to the last
 * byte of the answer (as a browser waits for it), with a per-request timeout.
 */
import { performance } from 'node:perf_hooks';

export interface Answer {
  ms: number;
  /** HTTP status; null when the request timed out or failed. */
  status: number | null;
  bytes: number;
  body: unknown;
  error?: string;
}

export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as { token?: string; error?: { message?: string } };
  if (!res.ok || !body.token) throw new Error(`sign-in as ${email}: HTTP ${res.status} ${body.error?.message ?? ''}`);
  return body.token;
}

export async function timedGet(baseUrl: string, token: string, path: string, timeoutMs: number): Promise<Answer> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const ms = performance.now() - t0;
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { ms, status: res.status, bytes: Buffer.byteLength(text), body };
  } catch (err) {
    const e = err as Error;
    return { ms: performance.now() - t0, status: null, bytes: 0, body: null, error: e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : e.message };
  }
}

/** Several GETs at once (a list page's live cells): the wall time of all, the first failure's status. */
export async function timedGets(baseUrl: string, token: string, paths: string[], timeoutMs: number): Promise<Answer> {
  if (paths.length === 1) return timedGet(baseUrl, token, paths[0]!, timeoutMs);
  const t0 = performance.now();
  const answers = await Promise.all(paths.map((p) => timedGet(baseUrl, token, p, timeoutMs)));
  const failed = answers.find((a) => a.status === null || a.status >= 400);
  return {
    ms: performance.now() - t0,
    status: failed ? failed.status : answers[0]!.status,
    bytes: answers.reduce((n, a) => n + a.bytes, 0),
    body: answers.map((a) => a.body),
    error: failed?.error,
  };
}
