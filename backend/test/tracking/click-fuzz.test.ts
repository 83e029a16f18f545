import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { findClick } from '../../src/db/raw-events';
import { createTestContext, destroyTestContext } from '../helpers/context';
import { createOffer, eventually, startTrackingStack, type Offer, type TrackingStack } from '../helpers/tracking';

let ctx: AppContext;
let stack: TrackingStack;
let offer: Offer;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', TRUST_PROXY: 'true', CLICK_MAX_ERRORS_PER_IP: '1000000' });
  stack = await startTrackingStack(ctx);
  offer = await createOffer(ctx, stack.api.url, {
    destinationUrl: 'https://shop.example.com/l?c={click_id}&a={aff_id}&s1={sub1}&s2={sub2}&s3={sub3}&s4={sub4}&s5={sub5}',
    allowDeepLink: true,
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  raw: string;
}

/** Sends bytes as they are: fetch would refuse or normalise most of the odd input worth trying. */
function rawRequest(port: number, requestLine: string, headers: Array<[string, string]>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    sock.setTimeout(10_000, () => {
      sock.destroy();
      reject(new Error('timeout'));
    });
    sock.on('data', (d) => (buf += d.toString('latin1')));
    sock.on('error', reject);
    sock.on('close', () => {
      const [head = ''] = buf.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      const h: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) h[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status, headers: h, raw: buf });
    });
    const hdrs = [['Host', 'localhost'], ...headers, ['Connection', 'close']].map(([k, v]) => `${k}: ${v}\r\n`).join('');
    // No half-close: Node drops a pending response when the client ends its side first (no browser does that).
    sock.write(Buffer.concat([Buffer.from(`${requestLine}\r\n`, 'utf8'), Buffer.from(`${hdrs}\r\n`, 'utf8')]));
  });
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', '%', '%zz', '%00', '%C3', '%E2%82', '%F0%9F%98', '%uD800', '..%2F..', '{click_id}', 'a'.repeat(5000), '\u0000', 'javascript:alert(1)'),
);

// Printable ASCII as it is (%, quotes, brackets, slashes…), the rest percent-encoded: what an HTTP parser lets into a request target.
const visible = (s: string) => s.replace(/[^\u0021-\u007e]/gu, (c) => (c.length === 1 && c >= '\ud800' && c <= '\udfff' ? '%ED%A0%80' : encodeURIComponent(c)));

const encodedValue = fc.tuple(text, fc.boolean()).map(([v, raw]) => (raw ? visible(v) : encodeURIComponent(v)));

const queryString = fc
  .array(fc.tuple(fc.constantFrom('sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'url', 'x', 'sub1[]', ''), encodedValue), { maxLength: 8 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

const deepLinks = fc.constantFrom(
  'https://shop.example.com/p/1',
  'https://shop.example.com:99999/',
  'https://shop.example.com/%zz',
  'http://[::1]/',
  'https://xn--nxasmq6b.shop.example.com/',
  'https://shop.example.com/\u00e9',
  'file:///etc/passwd',
  `https://shop.example.com/${'x'.repeat(3000)}`,
);

// eslint-disable-next-line no-control-regex -- stripping the control characters HTTP forbids in header values
const headerValue = fc.oneof(fc.string({ maxLength: 50 }), fc.string({ unit: 'binary', maxLength: 1500 })).map((s) => s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''));

describe('click path fuzzing', () => {
  it('never answers 5xx, and every redirect is a usable absolute URL, whatever the path, query and headers', async () => {
    const port = stack.api.port;
    const clickIds: string[] = [];
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/c/', '/api/track/click/'),
        fc.oneof(fc.constant(offer.linkId), fc.stringMatching(/^[0-9A-Za-z]{6,24}$/), text.map(visible)),
        fc.oneof(queryString, deepLinks.map((d) => `url=${encodeURIComponent(d)}`)),
        fc.record({ ua: headerValue, xff: headerValue, country: headerValue, referer: headerValue }),
        fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST'),
        async (prefix, id, query, h, method) => {
          const target = `${prefix}${id}${query ? `?${query}` : ''}`;
          const res = await rawRequest(port, `${method} ${target} HTTP/1.1`, [
            ['User-Agent', h.ua],
            ['X-Forwarded-For', h.xff],
            ['CF-IPCountry', h.country],
            ['Referer', h.referer],
          ]);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          expect(res.status, target).toBeGreaterThanOrEqual(200);
          expect(res.status, target).toBeLessThan(500);
          expect(res.raw).not.toMatch(/at .+\.ts:\d+/); // no stack traces
          if (res.status === 302) {
            const loc = new URL(res.headers.location!);
            expect(['http:', 'https:']).toContain(loc.protocol);
            const id = /[?&]c=([0-9a-f]{32})/.exec(res.headers.location!)?.[1];
            if (id) clickIds.push(id);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Every click that got a redirect is stored, odd sub IDs and user agents included.
    // The runs reached the handler (redirects and not-found pages), not only the HTTP parser.
    expect(statuses[302]).toBeGreaterThan(10);
    expect(statuses[404]).toBeGreaterThan(10);
    expect(clickIds.length).toBeGreaterThan(10);
    await eventually(async () => {
      for (const id of clickIds) if (!(await findClick(ctx.db, id))) return undefined;
      return true;
    }, 'every fuzzed click to be stored', 30_000);
  }, 120_000);

  it('refuses a click that carries a body, before taking it: its visitor would never get the redirect', async () => {
    const before = stack.tracking.batcher.stats.clicks;
    for (const extra of [[['Transfer-Encoding', 'junk']], [['Transfer-Encoding', 'chunked']], [['Content-Length', '3']]] as Array<Array<[string, string]>>) {
      const res = await rawRequest(stack.api.port, `GET /c/${offer.linkId}?sub1=body HTTP/1.1`, [['User-Agent', 'Mozilla/5.0 fuzz'], ...extra]);
      expect(res.status, JSON.stringify(extra)).toBe(400);
    }
    expect(stack.tracking.batcher.stats.clicks).toBe(before);
    const ok = await rawRequest(stack.api.port, `GET /c/${offer.linkId}?sub1=nobody HTTP/1.1`, [['User-Agent', 'Mozilla/5.0 fuzz'], ['Content-Length', '0']]);
    expect(ok.status).toBe(302);
  });

  it('answers requests the HTTP parser rejects with 4xx, not 5xx', async () => {
    const port = stack.api.port;
    for (const line of [`GET /c/${offer.linkId}?sub1=\u00e9t\u00e9 HTTP/1.1`, `GET /c/${offer.linkId}\u0000 HTTP/1.1`, `GET /c/${offer.linkId}?sub1=\u0001 HTTP/1.1`, 'GET /c/%%% HTTP/1.1', `GET /c/${'A'.repeat(20_000)} HTTP/1.1`]) {
      const res = await rawRequest(port, line, [['User-Agent', 'Mozilla/5.0 fuzz']]);
      expect(res.status, JSON.stringify(line.slice(0, 40))).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
