import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { createLogger, redactUrl } from '../src/logger';
import { startWorkers } from '../src/workers';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, PASSWORD } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';
import { insertClick } from './helpers/postbacks';
import { BROWSER_UA, eventually, startTrackingStack, type TrackingStack } from './helpers/tracking';

/**
 * Every line the API and the workers log goes into one buffer while real
 * requests carry each kind of secret; afterwards the buffer must hold none of
 * them, and still the request lines themselves.
 */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const capture = new Capture();
let ctx: AppContext;
let stack: TrackingStack;
let stopWorkers: () => Promise<void>;

beforeAll(async () => {
  ctx = await createTestContext({ LOG_LEVEL: 'debug', LOGIN_MAX_PER_IP: '100000' }, 'api', { logDestination: capture });
  stack = await startTrackingStack(ctx);
  stopWorkers = await startWorkers(ctx, ['conversions', 'deliveries']);
}, 60_000);
afterAll(async () => {
  await stopWorkers?.();
  await stack?.close();
  if (ctx) await destroyTestContext(ctx);
});

describe('secrets in logs', () => {
  it('never writes tokens, passwords, cookies, authorization headers or signatures, yet logs every request', async () => {
    const base = stack.api.url;
    const admin = await createAdmin(ctx, base);
    const adv = await approvedAdvertiser(base, admin.client);
    const aff = await approvedAffiliate(base, admin.client);

    // Login: the password in the body, the session in the answer's cookies and body.
    const signIn = await new TestClient(base).post('/api/auth/login', { email: adv.email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    const bearer: string = signIn.body.token;
    const session = adv.client.cookies.get('offerly_session')!;
    const csrf = adv.client.cookies.get('offerly_csrf')!;
    expect(bearer && session && csrf).toBeTruthy();

    // A session by Authorization header, and one by cookie (the CSRF header too, on a write).
    const byHeader = new TestClient(base);
    byHeader.bearer = bearer;
    expect((await byHeader.get('/api/auth/me')).status).toBe(200);
    const created = await adv.client.post('/api/campaigns', cpaCampaign());
    expect(created.status).toBe(201);
    const campaign = created.body.campaign;
    const secret: string = campaign.postbackSecret;
    const link = await aff.client.get(`/api/campaigns/${campaign.id}/link`);
    expect(link.status).toBe(200);

    // Postbacks with the token in the query string, a form body and a JSON body, plus other secret-looking parameters.
    const click = await insertClick(ctx, { id: campaign.id, advertiserId: campaign.advertiserId, currency: campaign.currency, linkId: link.body.link.id, affiliateId: aff.id });
    const server = new TestClient(base);
    const extras = { signature: 'sig-5f1c0ffee-value', api_key: 'ak-77aa-value', key: 'k-9e9e-value', secret: 'sec-42-value' };
    const query = new URLSearchParams({ click_id: click, txn_id: 'log-1', token: secret, ...extras });
    const get = await server.get(`/api/track/postback?${query}`);
    expect(get.status).toBe(200);
    // Processed by the worker, so its lines are in the log too.
    await eventually(async () => (await admin.client.get(`/api/track/postback/${get.body.id}`)).body.postback?.state === 'attributed', 'postback attributed');
    expect((await server.post('/api/track/postback', `click_id=${click}&txn_id=log-2&token=${encodeURIComponent(secret)}`, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    expect((await server.post('/api/track/postback', { click_id: click, txn_id: 'log-3', token: secret })).status).toBe(200);
    // A bad token is still a secret-shaped value someone typed.
    expect((await server.get(`/api/track/postback?click_id=${click}&token=wrong-token-abcdef123`)).status).toBe(401);
    // An unknown route and a click carrying secret-looking parameters.
    expect((await byHeader.get(`/api/nowhere?access_token=at-31337-value`)).status).toBe(404);
    const clickRes = await fetch(`${base}/c/${link.body.link.id}?sub1=a&token=click-token-value`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(clickRes.status).toBe(302);

    // The affiliate's outbound signing secret.
    const pb = await aff.client.put('/api/affiliate/postback', { url: 'https://aff.example.com/pb?cid={click_id}', enabled: false });
    expect(pb.status).toBe(200);
    const affSecret: string = pb.body.secret;

    // Lines that carry secrets in structured fields and in error messages, as a future log call might.
    ctx.log.error(
      { err: new Error(`call to https://u:p4ss-w0rd@api.example.com/x?token=${secret} failed`), req: { headers: { authorization: `Bearer ${bearer}`, cookie: `offerly_session=${session}` } }, params: { token: secret } },
      'synthetic failure',
    );
    await new Promise((r) => setTimeout(r, 200));

    const out = capture.text;
    for (const value of [PASSWORD, bearer, session, csrf, secret, affSecret, 'p4ss-w0rd', 'wrong-token-abcdef123', 'at-31337-value', ...Object.values(extras)]) {
      expect(out, `a secret appears in the log`).not.toContain(value);
    }
    // Not an empty log: the requests are there, with the secrets censored.
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { req?: { method: string; url: string }; msg: string });
    const urls = lines.flatMap((l) => (l.req ? [`${l.req.method} ${l.req.url}`] : []));
    expect(urls).toContain('POST /api/auth/login');
    expect(urls).toContain('GET /api/auth/me');
    expect(urls).toContainEqual(expect.stringMatching(new RegExp(`^GET /api/track/postback\\?click_id=${click}&txn_id=log-1&token=\\[redacted\\]&signature=\\[redacted\\]&api_key=\\[redacted\\]&key=\\[redacted\\]&secret=\\[redacted\\]$`)));
    expect(urls).toContain('GET /api/nowhere?access_token=[redacted]');
    expect(lines.some((l) => l.msg === 'synthetic failure')).toBe(true);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/api/track/postback?click_id=c1&token=abc&txn_id=t', '/api/track/postback?click_id=c1&token=[redacted]&txn_id=t'],
    ['/x?TOKEN=abc#frag', '/x?TOKEN=[redacted]#frag'],
    ['/x?monkey=banana&key=k', '/x?monkey=banana&key=[redacted]'],
    ['/x?password=&code=123456', '/x?password=[redacted]&code=[redacted]'],
    ['mongodb://admin:hunter2@db.example:27017/offerly', 'mongodb://[redacted]@db.example:27017/offerly'],
    ['sent Authorization: Bearer eyJ.abc.def', 'sent Authorization: Bearer [redacted]'],
    [`key ofl_${'aB3'.repeat(13)}x rejected`, 'key ofl_[redacted] rejected'],
    ['/c/abc?sub1=token', '/c/abc?sub1=token'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('censors secret keys nested deeper than the redact paths reach', () => {
    const sink = new Capture();
    const log = createLogger('info', 't', sink);
    log.info({ deep: { deeper: { postbackSecret: 's3cr3t', headers: { 'x-api-key': 'xk', cookie: 'c=1' } } }, code: 'ECONNREFUSED' }, 'nested');
    expect(sink.text).not.toMatch(/s3cr3t|"xk"|c=1/);
    // Ordinary fields that merely look like names of secrets stay readable.
    expect(sink.text).toContain('"code":"ECONNREFUSED"');
  });
});
