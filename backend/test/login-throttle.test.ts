import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { PASSWORD, startTestApi, uniqueEmail } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';

/**
 * Login and registration guards (issue 12, finding 5). The API trusts one
 * proxy here, so each test chooses its client's address with X-Forwarded-For.
 */
let ctx: AppContext;
let api: ApiServer;

beforeAll(async () => {
  ctx = await createTestContext({
    TRUST_PROXY: '1',
    LOGIN_MAX_PER_ACCOUNT_IP: '5',
    LOGIN_MAX_PER_ACCOUNT: '12',
    LOGIN_MAX_PER_IP: '20',
    REGISTER_MAX_PER_IP: '3',
  });
  api = await startTestApi(ctx);
});
afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

let lastIp = 0;
/** A client address no other test uses. */
const newIp = () => `198.51.100.${++lastIp}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const signIn = (ip: string, email: string, password: string) => new TestClient(api.url).post('/api/auth/login', { email, password }, from(ip));
const signUp = (ip: string, body: Record<string, unknown>) =>
  new TestClient(api.url).post('/api/auth/register', { name: 'Pat', role: 'affiliate', email: uniqueEmail('reg'), password: PASSWORD, ...body }, from(ip));

/** Accounts made from addresses of their own, so the registration budget of the test under way is untouched. */
const account = async () => {
  const res = await signUp(newIp(), { role: 'advertiser' });
  expect(res.status).toBe(201);
  return res.body.user.email as string;
};

describe('failed sign-ins', () => {
  it('a stranger’s wrong passwords lock the account only from the stranger’s address', async () => {
    const email = await account();
    const stranger = newIp();
    for (let i = 0; i < 5; i++) expect((await signIn(stranger, email, 'not-the-password')).status).toBe(401);
    const locked = await signIn(stranger, email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    // The owner, from their own address, signs in.
    expect((await signIn(newIp(), email, PASSWORD)).status).toBe(200);
  });

  it('a success clears the account’s failures from that address', async () => {
    const email = await account();
    const ip = newIp();
    // 8 failures in all: under the per-account limit (12), which a success does not reset.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await signIn(ip, email, 'typo-typo')).status).toBe(401);
      expect((await signIn(ip, email, PASSWORD)).status).toBe(200);
    }
  });

  it('guesses spread over many addresses meet the per-account limit', async () => {
    const email = await account();
    // 12 failures, 3 from each of four addresses: no address reaches its own limit of 5.
    for (let i = 0; i < 12; i++) expect((await signIn(newIp(), email, `guess-${i}-wrong`)).status).toBe(401);
    const res = await signIn(newIp(), email, PASSWORD);
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/this account/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('one address trying many accounts meets the per-address limit', async () => {
    const ip = newIp();
    for (let i = 0; i < 20; i++) expect((await signIn(ip, uniqueEmail(`spray${i}`), 'Summer2026!')).status).toBe(401);
    const res = await signIn(ip, uniqueEmail('spray-last'), 'Summer2026!');
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/your address/);
    // Other addresses are not affected.
    expect((await signIn(newIp(), uniqueEmail('other'), 'Summer2026!')).status).toBe(401);
  });

  it('parallel guesses cannot pass the limit together', async () => {
    const email = await account();
    const ip = newIp();
    const codes = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(ip, email, `parallel-${i}`).then((r) => r.status)));
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
  });
});

describe('successful sign-ins', () => {
  it('are never counted: 50 from one address (an office behind NAT) all succeed', async () => {
    const office = newIp();
    const emails = await Promise.all(Array.from({ length: 5 }, () => account()));
    // Five people at a time, ten times each.
    const codes = await Promise.all(emails.map(async (email) => {
      const mine: number[] = [];
      for (let i = 0; i < 10; i++) mine.push((await signIn(office, email, PASSWORD)).status);
      return mine;
    }));
    expect(codes.flat()).toEqual(Array(50).fill(200));
    // The address still has its whole failure budget for a colleague's typos.
    for (let i = 0; i < 4; i++) expect((await signIn(office, emails[0]!, 'typo-typo')).status).toBe(401);
    expect((await signIn(office, emails[0]!, PASSWORD)).status).toBe(200);
  }, 120_000);
});

describe('registration', () => {
  it('is throttled per address, with 429 and Retry-After', async () => {
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await signUp(ip, {})).status).toBe(201);
    const res = await signUp(ip, {});
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signUp(newIp(), {})).status).toBe(201);
  });

  it('refuses common passwords with a 400 naming password and the library’s advice', async () => {
    const ip = newIp();
    for (const password of ['12345678', 'password123']) {
      const res = await signUp(ip, { password });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([
        expect.objectContaining({ path: 'password', message: expect.stringMatching(/commonly used|heavily used/), warning: expect.any(String), suggestions: expect.any(Array), score: 0, minScore: 3 }),
      ]);
    }
    // A password built from the account's own email counts as guessable.
    const own = await signUp(ip, { email: 'margaret.hamilton@example.test', password: 'margaret.hamilton@example.test' });
    expect(own.status).toBe(400);
    // Refused passwords did not spend the address's registration budget (3).
    for (let i = 0; i < 3; i++) expect((await signUp(ip, { password: 'orbit lantern velvet' })).status).toBe(201);
  });

  it('answers 409 for an email already registered (deliberate, see the README), and that try counts', async () => {
    const ip = newIp();
    const email = uniqueEmail('taken');
    expect((await signUp(ip, { email })).status).toBe(201);
    const again = await signUp(ip, { email: email.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', details: [{ path: 'email', message: 'already registered' }] });
    expect((await signUp(ip, {})).status).toBe(201);
    expect((await signUp(ip, { email })).status).toBe(429);
  });
});

describe('bootstrap admin', () => {
  it('a weak ADMIN_PASSWORD stops the start with the library’s advice, and no admin is created', async () => {
    const { ensureBootstrapAdmin } = await import('../src/accounts/accounts');
    const email = uniqueEmail('root');
    const weak = await createTestContext({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'password123' });
    try {
      await expect(ensureBootstrapAdmin(weak)).rejects.toThrow(/ADMIN_PASSWORD is too easy to guess \(strength 0 of 4, PASSWORD_MIN_SCORE is 3\): .*commonly used/);
      expect(await weak.models.User.findOne({ email }).lean()).toBeNull();
    } finally {
      await destroyTestContext(weak);
    }
  });
});
