import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { freePort } from '../../src/services/free-port';
import { createOffer, storedClicksWhere, type Offer } from '../helpers/tracking';
import { assertReconciled, faultContext, fireClicks, spawnProcess, storedClickIds, until, unfinishedJobs, waitDrained, type Child, type FaultEnv } from './helpers';

/**
 * Property-based fuzzing of the two public endpoints against a real API
 * process: clicks with arbitrary ids, subs, deep links, methods and headers
 * (names included); postbacks with arbitrary parameters, bodies of arbitrary
 * bytes under arbitrary content types and encodings, and valid postbacks for
 * real clicks mixed in. Every answer is 2xx/3xx/4xx, the API and worker
 * processes stay up, and the data they accepted reconciles. Narrower fuzzing
 * of the same endpoints in-process: tracking/click-fuzz.test.ts and
 * postback-intake.test.ts.
 */
let ctx: AppContext;
let fault: FaultEnv;
let api: Child;
let worker: Child;
let base: string;
let port: number;
let offer: Offer;
let known: string[] = [];
const startedAt = Date.now();

interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

/** node:http rather than fetch: it sends header names and bodies fetch would refuse or rewrite. */
function send(method: string, path: string, headers: Array<[string, string]>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    for (const [k, v] of headers) {
      try {
        req.setHeader(k, v);
      } catch {
        /* a header node:http itself refuses to send is not a request anyone can make with it */
      }
    }
    req.end(body);
  });
}

beforeAll(async () => {
  port = await freePort();
  ({ ctx, fault } = await faultContext({ env: { TRUST_PROXY: 'true', POSTBACK_CLICK_WAIT_SECONDS: '0', PAYOUT_HOLD_DAYS: '0' } }));
  api = spawnProcess('backend/src/main/api.ts', fault, { LOG_LEVEL: 'info', PORT: String(port), SERVE_FRONTEND: 'false' });
  worker = spawnProcess('backend/src/main/worker.ts', fault, { LOG_LEVEL: 'info' });
  base = `http://127.0.0.1:${port}`;
  await until('the API process to listen', () => {
    if (!api.alive()) throw new Error(`api exited:\n${api.output().slice(-2000)}`);
    return api.output().includes('"msg":"api listening"');
  }, 30_000);
  await until('the worker process to start', () => (worker.output().match(/"msg":"worker started"/g) ?? []).length >= 3, 30_000);
  offer = await createOffer(ctx, base, { destinationUrl: 'https://shop.example.com/l?cid={click_id}&s1={sub1}&s2={sub2}', allowDeepLink: true });
  // Clicks that valid postbacks in the fuzz can name.
  known = (await fireClicks(`${base}/c/${offer.linkId}`, 20, { concurrency: 10 })).redirected;
  await waitDrained(ctx, known.length);
}, 90_000);

afterAll(async () => {
  await api?.kill('SIGTERM');
  await worker?.kill('SIGTERM');
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
}, 60_000);

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '%', '%zz', '%00', '%C3', '%F0%9F%98', '..%2F', '{click_id}', 'a'.repeat(3000), 'javascript:alert(1)', '[]', '{}', '__proto__', 'constructor'),
);
const enc = (s: string) => encodeURIComponent(s).replace(/%25([0-9A-Fa-f]{2})/g, (m, h: string) => (h === '25' ? m : `%${h}`));
// eslint-disable-next-line no-control-regex -- header values may not hold these
const headerValue = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 400 })).map((s) => s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''));
const headerName = fc.oneof(
  fc.constantFrom('user-agent', 'referer', 'x-forwarded-for', 'cf-ipcountry', 'x-country-code', 'content-encoding', 'transfer-encoding', 'cookie', 'authorization', 'origin', 'accept', 'x-csrf-token', 'host', 'expect'),
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,30}$/),
);
const headers = fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 });

const clickPath = fc
  .tuple(
    fc.constantFrom('/c/', '/api/track/click/'),
    fc.oneof(fc.constant('LINK'), fc.stringMatching(/^[0-9A-Za-z]{6,24}$/), text.map(enc)),
    fc.array(fc.tuple(fc.constantFrom('sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'url', 'x', ''), fc.oneof(text, fc.constantFrom('https://shop.example.com/p/1', 'http://evil.example/', 'file:///etc/passwd'))), { maxLength: 6 }),
  )
  .map(([prefix, id, q]) => ({ prefix, id, query: q.map(([k, v]) => `${k}=${enc(v)}`).join('&') }));

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-7',
    'application/json; charset=bogus',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=latin1',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/*+json',
    '*/*',
    '',
  ),
  headerValue,
);
const body = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
  fc.dictionary(fc.oneof(fc.constantFrom('click_id', 'txn_id', 'amount', 'currency', 'status', 'token'), fc.string({ maxLength: 10 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((o) => Buffer.from(JSON.stringify(o))),
  fc.constantFrom(Buffer.from('{"click_id":'), Buffer.from('\x1f\x8b\x08\x00junk'), Buffer.from('a=1&a=2&a[b]=3')),
);
const postbackParams = fc.dictionary(fc.oneof(fc.constantFrom('click_id', 'txn_id', 'amount', 'currency', 'status', 'token'), fc.string({ maxLength: 12 })), text, { maxKeys: 8 });

describe('public endpoints under property-based fuzzing, against real processes', () => {
  it('never answer 5xx, the processes stay up, and what was accepted reconciles', async () => {
    const redirected: string[] = [];
    const statuses: Record<string, number> = {};
    const count = (k: string) => { statuses[k] = (statuses[k] ?? 0) + 1; };
    let validPostbacks = 0;
    let accepted = 0;
    let seq = 0;
    const answers = new Map<string, { request: string; status: number }>();
    const request = fc.oneof(
      fc.record({ kind: fc.constant('click' as const), path: clickPath, method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS'), headers }),
      fc.record({ kind: fc.constant('postback-get' as const), params: postbackParams, headers }),
      fc.record({ kind: fc.constant('postback-post' as const), type: contentType, encoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-junk'), { nil: undefined }), body, headers }),
      fc.record({
        kind: fc.constant('postback-valid' as const),
        click: fc.nat(19),
        txn: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
        amount: fc.option(fc.constantFrom('1', '19.99', '0', '1000000', '12.345'), { nil: undefined }),
        status: fc.option(fc.constantFrom('approved', 'pending', 'rejected'), { nil: undefined }),
        json: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let res: Answer;
        if (r.kind === 'click') {
          const id = r.path.id === 'LINK' ? offer.linkId : r.path.id;
          // The marker (first, so it is the sub5 taken) ties a stored click to the request and answer it came from.
          const marker = `m${seq++}`;
          res = await send(r.method, `${r.path.prefix}${id}?sub5=${marker}${r.path.query ? `&${r.path.query}` : ''}`, [['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) fuzz'], ...r.headers]);
          answers.set(marker, { request: JSON.stringify(r).slice(0, 400), status: res.status });
          // Every answered click is stored, redirected or not (a bot gets the fallback URL, no click id in it).
          if (res.status === 302 || res.status === 200) accepted++;
          if (res.status === 302) {
            const cid = /[?&]cid=([0-9a-f]{32})/.exec(res.location ?? '')?.[1];
            if (cid) redirected.push(cid);
          }
        } else if (r.kind === 'postback-get') {
          res = await send('GET', `/api/track/postback?${new URLSearchParams(r.params)}`, r.headers);
        } else if (r.kind === 'postback-post') {
          const h: Array<[string, string]> = [...r.headers, ['content-type', r.type]];
          if (r.encoding) h.push(['content-encoding', r.encoding]);
          res = await send('POST', '/api/track/postback', h, r.body);
        } else {
          const params: Record<string, string> = { click_id: known[r.click]!, token: String(offer.campaign.postbackSecret) };
          if (r.txn !== undefined) params.txn_id = r.txn;
          if (r.amount !== undefined) params.amount = r.amount;
          if (r.status !== undefined) params.status = r.status;
          res = r.json
            ? await send('POST', '/api/track/postback', [['content-type', 'application/json']], Buffer.from(JSON.stringify(params)))
            : await send('GET', `/api/track/postback?${new URLSearchParams(params)}`, []);
          expect(res.status, res.body).toBe(200);
          validPostbacks++;
        }
        count(`${r.kind}:${res.status}`);
        expect(res.status, `${JSON.stringify(r).slice(0, 300)} → ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
        expect(res.status, `${JSON.stringify(r).slice(0, 300)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
        expect(res.body).not.toMatch(/at .+\.(ts|js):\d+/);
      }),
      { numRuns: 600 },
    );
    // The runs reached the handlers, not only the HTTP parser.
    expect(redirected.length).toBeGreaterThan(10);
    expect(validPostbacks).toBeGreaterThan(10);
    expect(Object.keys(statuses).some((k) => k.startsWith('postback-post:4'))).toBe(true);

    // Both processes are still the ones started before the fuzzing, and healthy.
    expect(api.alive()).toBe(true);
    expect(worker.alive()).toBe(true);
    const health = await send('GET', '/api/health', []);
    expect(health.status).toBe(200);

    // What was accepted is stored once and reconciles.
    await waitDrained(ctx, known.length + accepted);
    await until('every postback processed', async () => (await unfinishedJobs(ctx, 'conversions')) === 0, 30_000);
    const stored = await storedClickIds(ctx);
    expect(stored.length).toBe(new Set(stored).size);
    expect([...known, ...redirected].filter((id) => !stored.includes(id))).toEqual([]);
    // A click stored although its visitor was not sent on (nor shown the offer page) would show here.
    const docs = await storedClicksWhere(ctx, { sub5: /^m\d+$/ });
    const unanswered = docs.map((d) => answers.get(String(d.sub5))).filter((a) => !a || (a.status !== 302 && a.status !== 200));
    expect(unanswered).toEqual([]);
    expect(stored.length).toBe(known.length + accepted);
    expect(await ctx.models.Conversion.countDocuments({ status: 'processing' })).toBe(0);
    await assertReconciled(ctx, startedAt, { clicks: stored.length });
    console.log(JSON.stringify({ test: 'public-fuzz', runs: 600, statuses, clicks: stored.length, validPostbacks, conversions: await ctx.models.Conversion.countDocuments({}) }));
  }, 120_000);
});
