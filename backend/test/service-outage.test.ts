import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import type { ApiServer } from '../src/http/server';
import { register, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import type { TestClient } from './helpers/http-client';

/**
 * When Redis or MongoDB cannot be reached, signed-in requests get a 503 in the
 * usual error shape with Retry-After, never a 500 or a stack trace. The API's
 * own connections are closed to stand for the outage (the shared test servers
 * keep running for the other test files).
 */
let ctx: AppContext;
let api: ApiServer;
let adv: { client: TestClient; id: string };

beforeAll(async () => {
  ctx = await createTestContext();
  api = await startTestApi(ctx);
  adv = await register(api.url, 'advertiser');
});

afterAll(async () => {
  await api?.close();
  await destroyTestContext(ctx);
});

const expectOutage = (res: { status: number; body: any; headers: Headers }) => {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: { code: 'service_unavailable', message: expect.stringMatching(/retry/i), details: { retryAfterSeconds: 5 } } });
  expect(res.headers.get('retry-after')).toBe('5');
};

describe('storage outages', () => {
  it('answers 503 while Redis is unreachable, and works again once it is back', async () => {
    expect((await adv.client.get('/api/auth/me')).status).toBe(200);
    ctx.redis.disconnect();
    expectOutage(await adv.client.get('/api/auth/me'));
    await ctx.redis.connect();
    expect((await adv.client.get('/api/auth/me')).status).toBe(200);
  });

  it('answers 503 while MongoDB is unreachable', async () => {
    await ctx.conn.close();
    expectOutage(await adv.client.get('/api/campaigns'));
    expectOutage(await adv.client.post('/api/auth/login', { email: 'nobody@example.test', password: 'whatever-password' }));
  });
});
