import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, attachmentName, csvHref, readCookie, withQuery } from './client';

type Call = { url: string; init: RequestInit };

function fakeFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(url), init: init ?? {} };
    calls.push(call);
    return respond(call);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const headersOf = (c: Call) => c.init.headers as Record<string, string>;

describe('api client', () => {
  it('sends the CSRF cookie as X-CSRF-Token on writes only, with same-origin credentials and a JSON body', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { ok: true }));
    const client = new ApiClient({ fetch, cookies: () => 'other=1; offerly_csrf=tok%2Ben; x=y' });
    await client.get('/api/campaigns', { page: 2, status: '', q: undefined });
    await client.post('/api/campaigns', { name: 'A' });
    await client.patch('/api/campaigns/1', { name: 'B' });
    await client.put('/api/affiliate/postback', { url: null });
    await client.del('/api/campaigns/1/overrides/2');

    expect(calls[0]!.url).toBe('/api/campaigns?page=2');
    expect(headersOf(calls[0]!)['X-CSRF-Token']).toBeUndefined();
    for (const c of calls.slice(1)) {
      expect(headersOf(c)['X-CSRF-Token']).toBe('tok+en');
      expect(c.init.credentials).toBe('same-origin');
    }
    expect(calls[1]!.init.method).toBe('POST');
    expect(calls[1]!.init.body).toBe('{"name":"A"}');
    expect(headersOf(calls[1]!)['Content-Type']).toBe('application/json');
    expect(calls.map((c) => c.init.method)).toEqual(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
  });

  it('sends no CSRF header when there is no cookie (the server then answers csrf_failed)', async () => {
    const { fetch, calls } = fakeFetch(() => json(403, { error: { code: 'csrf_failed', message: 'Missing or invalid x-csrf-token header' } }));
    const client = new ApiClient({ fetch, cookies: () => '' });
    const err = await client.post('/api/auth/logout').catch((e: unknown) => e);
    expect(headersOf(calls[0]!)['X-CSRF-Token']).toBeUndefined();
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'csrf_failed' });
  });

  it('turns the error shape into an ApiError with field errors from details', async () => {
    const { fetch } = fakeFetch(() =>
      json(400, {
        error: {
          code: 'validation_failed',
          message: 'Invalid request body',
          details: [
            { path: 'destinationUrl', message: 'must be an absolute http(s) URL' },
            { path: 'caps.dailyBudgetCents', message: 'Too big' },
            { path: 'destinationUrl', message: 'second message is ignored' },
            { nonsense: true },
          ],
        },
      }),
    );
    const err = (await new ApiClient({ fetch }).post('/api/campaigns', {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe('Invalid request body');
    expect(err.fieldErrors).toEqual({ destinationUrl: 'must be an absolute http(s) URL', 'caps.dailyBudgetCents': 'Too big' });
  });

  it('keeps object details (e.g. rate limits) without inventing field errors', async () => {
    const { fetch } = fakeFetch(() => json(429, { error: { code: 'rate_limited', message: 'Too many attempts', details: { retryAfterSeconds: 30 } } }));
    const err = (await new ApiClient({ fetch }).post('/api/auth/login', {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', details: { retryAfterSeconds: 30 }, fieldErrors: {} });
  });

  it('reports 401 to every unauthorized listener (the auth context signs out), and stops after unsubscribing', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: 'unauthenticated', message: 'Sign in first' } }));
    const client = new ApiClient({ fetch });
    const seen: string[] = [];
    const off = client.onUnauthorized((e) => seen.push(e.code));
    await expect(client.get('/api/campaigns')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(seen).toEqual(['unauthenticated']);
    off();
    await expect(client.get('/api/campaigns')).rejects.toBeInstanceOf(ApiError);
    expect(seen).toHaveLength(1);
  });

  it('tells the not-approved listeners about 403 affiliate_not_approved only', async () => {
    let reply = json(403, { error: { code: 'affiliate_not_approved', message: 'Your affiliate account is suspended; an admin must approve it first' } });
    const { fetch } = fakeFetch(() => reply);
    const client = new ApiClient({ fetch });
    const seen: string[] = [];
    const unauthorized = vi.fn();
    client.onUnauthorized(unauthorized);
    const off = client.onNotApproved((e) => seen.push(e.message));
    await expect(client.get('/api/links')).rejects.toMatchObject({ status: 403, code: 'affiliate_not_approved' });
    expect(seen).toEqual(['Your affiliate account is suspended; an admin must approve it first']);
    expect(unauthorized).not.toHaveBeenCalled();
    reply = json(403, { error: { code: 'forbidden', message: 'No' } });
    await expect(client.get('/api/links')).rejects.toMatchObject({ code: 'forbidden' });
    expect(seen).toHaveLength(1);
    off();
    reply = json(403, { error: { code: 'affiliate_not_approved', message: 'again' } });
    await expect(client.get('/api/links')).rejects.toBeInstanceOf(ApiError);
    expect(seen).toHaveLength(1);
  });

  it('downloads files with the same error handling as requests', async () => {
    let reply = new Response('a,b\n1,2\n', { status: 200, headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="overview-2026-11-25.csv"' } });
    const { fetch, calls } = fakeFetch(() => reply);
    const client = new ApiClient({ fetch });
    const file = await client.download('/api/analytics/overview', { tz: 'UTC', format: 'csv' });
    expect(calls[0]!.url).toBe('/api/analytics/overview?tz=UTC&format=csv');
    expect(calls[0]!.init.credentials).toBe('same-origin');
    expect(file.filename).toBe('overview-2026-11-25.csv');
    expect(await file.blob.text()).toBe('a,b\n1,2\n');
    const seen: string[] = [];
    client.onUnauthorized((e) => seen.push(e.code));
    reply = json(401, { error: { code: 'unauthenticated', message: 'Sign in first' } });
    await expect(client.download('/api/payouts?format=csv')).rejects.toMatchObject({ status: 401, message: 'Sign in first' });
    expect(seen).toEqual(['unauthenticated']);
    expect(attachmentName('attachment; filename=plain.csv')).toBe('plain.csv');
    expect(attachmentName(null)).toBeNull();
  });

  it('does not call the unauthorized listeners for other errors', async () => {
    const { fetch } = fakeFetch(() => json(404, { error: { code: 'not_found', message: 'No route for GET /live' } }));
    const client = new ApiClient({ fetch });
    const listener = vi.fn();
    client.onUnauthorized(listener);
    await expect(client.get('/api/live')).rejects.toMatchObject({ status: 404, isNotFound: true });
    expect(listener).not.toHaveBeenCalled();
  });

  it('maps non-JSON failures and network errors to readable ApiErrors', async () => {
    const html = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }));
    await expect(new ApiClient({ fetch: html.fetch }).get('/api/x')).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'The server is not reachable right now.' });
    const down = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(new ApiClient({ fetch: down.fetch }).get('/api/x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('passes aborts through untouched', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    await expect(new ApiClient({ fetch }).get('/api/x')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('returns the parsed body on success, and undefined for an empty one', async () => {
    const ok = fakeFetch(() => json(200, { campaign: { id: 'c1' } }));
    expect(await new ApiClient({ fetch: ok.fetch }).get('/api/campaigns/c1')).toEqual({ campaign: { id: 'c1' } });
    const empty = fakeFetch(() => new Response(null, { status: 204 }));
    expect(await new ApiClient({ fetch: empty.fetch }).del('/api/x')).toBeUndefined();
  });

  it('builds query strings and CSV links', () => {
    expect(withQuery('/api/a', { a: 1, b: null, c: '', d: 'x y', e: false })).toBe('/api/a?a=1&d=x+y&e=false');
    expect(withQuery('/api/a?z=1', { a: 2 })).toBe('/api/a?z=1&a=2');
    expect(csvHref('/api/payouts', { status: 'paid' })).toBe('/api/payouts?status=paid&format=csv');
    expect(readCookie('b', 'a=1; b=two%20words')).toBe('two words');
    expect(readCookie('c', 'a=1')).toBeNull();
  });
});
