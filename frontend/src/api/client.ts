/**
 * The one HTTP client of the dashboard. Cookie sessions (same origin), the
 * CSRF header on writes, and the API's `{ error: { code, message, details } }`
 * shape turned into a typed ApiError in one place.
 */
export const CSRF_COOKIE = 'offerly_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  /** Field path → first message, from `details: [{ path, message }]`. */
  readonly fieldErrors: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
    this.fieldErrors = {};
    if (Array.isArray(details)) {
      for (const d of details as unknown[]) {
        if (d && typeof d === 'object' && typeof (d as FieldProblem).path === 'string' && typeof (d as FieldProblem).message === 'string') {
          const p = d as FieldProblem;
          this.fieldErrors[p.path] ??= p.message;
        }
      }
    }
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** Anything caught from a request as an ApiError, so pages show one kind of error. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'client', err instanceof Error ? err.message : String(err));
}

export function readCookie(name: string, cookieString: string = typeof document === 'undefined' ? '' : document.cookie): string | null {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Reads cookies; injectable for tests. */
  cookies?: () => string;
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly cookies: () => string;
  private unauthorizedHandlers = new Set<(err: ApiError) => void>();
  private notApprovedHandlers = new Set<(err: ApiError) => void>();

  constructor(opts: ApiClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? '';
    this.fetchFn = opts.fetch ?? ((...args) => globalThis.fetch(...args));
    this.cookies = opts.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
  }

  /** Called on every 401 so the auth state can sign out; returns an unsubscribe. */
  onUnauthorized(fn: (err: ApiError) => void): () => void {
    this.unauthorizedHandlers.add(fn);
    return () => this.unauthorizedHandlers.delete(fn);
  }

  /**
   * Called on every 403 `affiliate_not_approved` or `account_suspended`: the
   * account was suspended (or otherwise un-approved) after the dashboard read
   * it, so the auth state re-reads it; returns an unsubscribe.
   */
  onNotApproved(fn: (err: ApiError) => void): () => void {
    this.notApprovedHandlers.add(fn);
    return () => this.notApprovedHandlers.delete(fn);
  }

  /** Sends a request; a failure (network or non-2xx) becomes an ApiError, told to the listeners above. */
  private async send(method: string, path: string, opts: RequestOptions, accept: string): Promise<Response> {
    const upper = method.toUpperCase();
    const headers: Record<string, string> = { Accept: accept };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (WRITE_METHODS.has(upper)) {
      const csrf = readCookie(CSRF_COOKIE, this.cookies());
      if (csrf) headers[CSRF_HEADER] = csrf;
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + withQuery(path, opts.query), {
        method: upper,
        headers,
        body,
        credentials: 'same-origin',
        signal: opts.signal,
      });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
    }
    if (!res.ok) {
      const err = toApiError(res.status, await readJson(res));
      if (res.status === 401) for (const fn of this.unauthorizedHandlers) fn(err);
      if (err.code === 'affiliate_not_approved' || err.code === 'account_suspended') for (const fn of this.notApprovedHandlers) fn(err);
      throw err;
    }
    return res;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts, 'application/json');
    return (await readJson(res)) as T;
  }

  /**
   * A file the API answers (a CSV export): the body and the server's file
   * name. Errors are ApiErrors like any request's, so a JSON error is never
   * saved as the file.
   */
  async download(path: string, query?: Query, signal?: AbortSignal): Promise<{ blob: Blob; filename: string | null }> {
    const res = await this.send('GET', path, { query, signal }, 'text/csv, application/json;q=0.5');
    return { blob: await res.blob(), filename: attachmentName(res.headers.get('content-disposition')) };
  }

  get = <T>(path: string, query?: Query, signal?: AbortSignal) => this.request<T>('GET', path, { query, signal });
  post = <T>(path: string, body: unknown = {}) => this.request<T>('POST', path, { body });
  put = <T>(path: string, body: unknown = {}) => this.request<T>('PUT', path, { body });
  patch = <T>(path: string, body: unknown = {}) => this.request<T>('PATCH', path, { body });
  del = <T>(path: string) => this.request<T>('DELETE', path);
}

/** The body as JSON when the server says it is JSON; otherwise (or unparsable) undefined. */
async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text || !(res.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `attachment; filename="payouts-2026-11-25.csv"` → the file name. */
export function attachmentName(disposition: string | null): string | null {
  const m = /filename="([^"]+)"/i.exec(disposition ?? '') ?? /filename=([^;\s]+)/i.exec(disposition ?? '');
  return m?.[1] ?? null;
}

function toApiError(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (e && typeof e.code === 'string') {
    return new ApiError(status, e.code, typeof e.message === 'string' ? e.message : `Request failed (${status})`, e.details);
  }
  const fallback: Record<number, string> = {
    401: 'Please sign in again.',
    403: 'You are not allowed to do this.',
    404: 'Not found.',
    429: 'Too many requests; wait a moment and retry.',
    502: 'The server is not reachable right now.',
    503: 'The service is temporarily unavailable.',
  };
  return new ApiError(status, `http_${status}`, fallback[status] ?? `Request failed (${status})`);
}

/** The URL of a list or report as CSV: same path and filters with format=csv (downloaded with `api.download`). */
export function csvHref(path: string, query: Query = {}): string {
  return withQuery(path, { ...query, format: 'csv' });
}

export const api = new ApiClient();
