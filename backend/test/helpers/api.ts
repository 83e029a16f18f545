import crypto from 'node:crypto';
import { countStoredUsers, listNewUser } from '../../src/accounts/user-list';
import { keyEmail } from '../../src/accounts/email-keys';
import { hashPassword } from '../../src/auth/passwords';
import { newId } from '../../src/db/ids';
import type { AppContext } from '../../src/context';
import { startApiServer, type ApiServer } from '../../src/http/server';
import type { FastPath } from '../../src/tracking/fast-path';
import { TestClient } from './http-client';

export async function startTestApi(ctx: AppContext, opts: { fastPaths?: FastPath[] } = {}): Promise<ApiServer> {
  return startApiServer(ctx, { port: 0, host: '127.0.0.1', fastPaths: opts.fastPaths ?? [] });
}

export const PASSWORD = 'correct horse battery';

export function uniqueEmail(tag: string): string {
  return `${tag}-${crypto.randomBytes(4).toString('hex')}@example.test`;
}

/** Registers through the API and returns a signed-in client. */
export async function register(baseUrl: string, role: 'affiliate' | 'advertiser', name: string = role): Promise<{ client: TestClient; id: string; email: string }> {
  const client = new TestClient(baseUrl);
  const email = uniqueEmail(role);
  const res = await client.post('/api/auth/register', { email, password: PASSWORD, name, role });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { client, id: res.body.user.id, email };
}

export async function login(baseUrl: string, email: string, password = PASSWORD): Promise<TestClient> {
  const client = new TestClient(baseUrl);
  const res = await client.post('/api/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return client;
}

/** Admins cannot register; tests create them in the database like the bootstrap does. */
export async function createAdmin(ctx: AppContext, baseUrl: string): Promise<{ client: TestClient; id: string; email: string }> {
  const email = uniqueEmail('admin');
  const _id = newId();
  const createdAt = new Date();
  // Listed and counted like the bootstrap admin (accounts/user-list.ts).
  await listNewUser(ctx.db, { _id, role: 'admin', createdAt });
  const user = await ctx.models.User.create({ _id, createdAt, email, passwordHash: await hashPassword(PASSWORD), role: 'admin', status: 'approved', name: 'Admin' });
  await countStoredUsers(ctx.db, [user]);
  await keyEmail(ctx.db, email, _id);
  return { client: await login(baseUrl, email), id: user._id, email };
}

export async function approvedAffiliate(baseUrl: string, admin: TestClient, name = 'affiliate') {
  const aff = await register(baseUrl, 'affiliate', name);
  const res = await admin.post(`/api/admin/affiliates/${aff.id}/approve`, {});
  if (res.status !== 200) throw new Error(`approve failed: ${res.status} ${res.text}`);
  return aff;
}

/** Advertisers start pending (ADVERTISER_APPROVAL=required): registered, then approved through the admin route. */
export async function approvedAdvertiser(baseUrl: string, admin: TestClient, name = 'advertiser') {
  const adv = await register(baseUrl, 'advertiser', name);
  const res = await admin.post(`/api/admin/users/${adv.id}/review`, { action: 'approve', note: '' });
  if (res.status !== 200) throw new Error(`approve failed: ${res.status} ${res.text}`);
  return adv;
}

export const cpaCampaign = (over: Record<string, unknown> = {}) => ({
  name: 'Summer Sale',
  destinationUrl: 'https://shop.example.com/landing?cid={click_id}&s1={sub1}',
  fallbackUrl: 'https://shop.example.com/',
  payoutModel: 'CPA',
  revenueCents: 1000,
  payoutCents: 700,
  ...over,
});
