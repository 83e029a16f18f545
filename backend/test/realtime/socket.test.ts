import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import type { LiveUpdate } from '../../src/realtime/live-counters';
import { approvedAffiliate, login, register } from '../helpers/api';
import { createTestContext, destroyTestContext } from '../helpers/context';
import type { TestClient } from '../helpers/http-client';
import { click, createOffer, startTrackingStack, type Offer, type TrackingStack } from '../helpers/tracking';

let ctx: AppContext;
let stack: TrackingStack;
let url: string;
let offer: Offer;
let otherOffer: Offer;
const sockets: Socket[] = [];

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  stack = await startTrackingStack(ctx);
  url = stack.api.url;
  offer = await createOffer(ctx, url);
  otherOffer = await createOffer(ctx, url, {}, { admin: offer.admin });
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await stack?.close();
  await destroyTestContext(ctx);
});

const cookieOf = (c: TestClient) => [...c.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');

/** Connects like the dashboard does (same origin, session cookie) and resolves once connected or refused. */
function open(base: string, opts: { cookie?: string; token?: string; origin?: string } = {}): Promise<{ socket: Socket; error: string | null }> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  const socket = connect(base, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: headers,
    auth: opts.token ? { token: opts.token } : {},
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err) => resolve({ socket, error: err.message }));
  });
}

const subscribe = (s: Socket, room: string) => s.timeout(5000).emitWithAck('subscribe', { room }) as Promise<{ ok: boolean; error?: string }>;

function nextLive(s: Socket, room: string): Promise<LiveUpdate> {
  return new Promise((resolve) => {
    const on = (u: LiveUpdate) => {
      if (u.room !== room) return;
      s.off('live', on);
      resolve(u);
    };
    s.on('live', on);
  });
}

describe('Socket.IO live updates', () => {
  it('lets an advertiser follow its campaign and delivers a live update after a click', async () => {
    const { socket, error } = await open(url, { cookie: cookieOf(offer.advertiser.client) });
    expect(error).toBeNull();
    const room = `campaign:${offer.campaign.id}`;
    expect(await subscribe(socket, room)).toEqual({ ok: true });
    const update = nextLive(socket, room);
    const r = await click(url, `/c/${offer.linkId}`);
    expect(r.status).toBe(302);
    const u = await update;
    expect(u).toMatchObject({ room, scope: 'campaign', id: offer.campaign.id, currency: 'USD', delta: { clicks: 1, uniqueClicks: 1, invalidClicks: 0 } });
    expect(new Date(u.minute).getUTCSeconds()).toBe(0);
  });

  it('refuses rooms the permission map does not allow', async () => {
    const adv = (await open(url, { cookie: cookieOf(offer.advertiser.client) })).socket;
    expect(await subscribe(adv, `campaign:${otherOffer.campaign.id}`)).toEqual({ ok: false, error: 'not_found' });
    expect(await subscribe(adv, `campaign:${'f'.repeat(24)}`)).toEqual({ ok: false, error: 'not_found' });
    expect(await subscribe(adv, 'admin')).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(adv, `affiliate:${offer.affiliate.id}`)).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(adv, 'campaign:../../x')).toEqual({ ok: false, error: 'bad_room' });
    expect(await subscribe(adv, 'everything')).toEqual({ ok: false, error: 'bad_room' });
    expect(await adv.timeout(5000).emitWithAck('subscribe', 'campaign:x')).toEqual({ ok: false, error: 'bad_room' });

    const aff = (await open(url, { cookie: cookieOf(offer.affiliate.client) })).socket;
    expect(await subscribe(aff, `affiliate:${offer.affiliate.id}`)).toEqual({ ok: true });
    expect(await subscribe(aff, `affiliate:${otherOffer.affiliate.id}`)).toEqual({ ok: false, error: 'forbidden' });
    expect(await subscribe(aff, `campaign:${offer.campaign.id}`)).toEqual({ ok: false, error: 'not_found' });
    expect(await subscribe(aff, 'admin')).toEqual({ ok: false, error: 'forbidden' });

    const admin = (await open(url, { cookie: cookieOf(offer.admin.client) })).socket;
    expect(await subscribe(admin, 'admin')).toEqual({ ok: true });
    expect(await subscribe(admin, `campaign:${otherOffer.campaign.id}`)).toEqual({ ok: true });
    expect(await subscribe(admin, `affiliate:${offer.affiliate.id}`)).toEqual({ ok: true });
  });

  it('delivers only to the rooms a socket joined: affiliate and admin scopes', async () => {
    const aff = (await open(url, { cookie: cookieOf(offer.affiliate.client) })).socket;
    const admin = (await open(url, { cookie: cookieOf(offer.admin.client) })).socket;
    expect(await subscribe(aff, `affiliate:${offer.affiliate.id}`)).toEqual({ ok: true });
    expect(await subscribe(admin, 'admin')).toEqual({ ok: true });
    const foreign: LiveUpdate[] = [];
    aff.on('live', (u: LiveUpdate) => {
      if (u.room !== `affiliate:${offer.affiliate.id}`) foreign.push(u);
    });
    const affUpdate = nextLive(aff, `affiliate:${offer.affiliate.id}`);
    const platform = nextLive(admin, 'admin');
    await click(url, `/c/${otherOffer.linkId}`); // another affiliate's click: the admin sees it, this affiliate does not
    await click(url, `/c/${offer.linkId}`);
    expect(await platform).toMatchObject({ scope: 'platform', id: 'all' });
    expect(await affUpdate).toMatchObject({ scope: 'affiliate', id: offer.affiliate.id, delta: { clicks: 1 } });
    expect(foreign).toEqual([]);

    // After unsubscribing, nothing more arrives for that room.
    await aff.timeout(5000).emitWithAck('unsubscribe', { room: `affiliate:${offer.affiliate.id}` });
    const got: LiveUpdate[] = [];
    aff.on('live', (u: LiveUpdate) => got.push(u));
    const nextAdmin = nextLive(admin, 'admin');
    await click(url, `/c/${offer.linkId}`);
    await nextAdmin;
    expect(got).toEqual([]);
  });

  it('sends the affiliate room no revenue, while the campaign room has it', async () => {
    const cpc = await createOffer(ctx, url, { payoutModel: 'CPC', revenueCents: 50, payoutCents: 30 }, { admin: offer.admin });
    const aff = (await open(url, { cookie: cookieOf(cpc.affiliate.client) })).socket;
    const adv = (await open(url, { cookie: cookieOf(cpc.advertiser.client) })).socket;
    const affRoom = `affiliate:${cpc.affiliate.id}`;
    const campaignRoom = `campaign:${cpc.campaign.id}`;
    expect(await subscribe(aff, affRoom)).toEqual({ ok: true });
    expect(await subscribe(adv, campaignRoom)).toEqual({ ok: true });
    const affUpdate = nextLive(aff, affRoom);
    const advUpdate = nextLive(adv, campaignRoom);
    await click(url, `/c/${cpc.linkId}`);
    const a = await affUpdate;
    expect(a.delta).toEqual({ clicks: 1, uniqueClicks: 1, invalidClicks: 0, conversions: 0, payoutCents: 30 });
    expect(a.delta).not.toHaveProperty('revenueCents');
    expect((await advUpdate).delta).toMatchObject({ clicks: 1, revenueCents: 50, payoutCents: 30 });
  });

  it('refuses connections without a valid session, with a revoked one, or from a foreign origin', async () => {
    expect((await open(url)).error).toBe('unauthenticated');
    expect((await open(url, { cookie: 'offerly_session=not-a-jwt' })).error).toBe('unauthenticated');
    expect((await open(url, { token: 'x.y.z' })).error).toBe('unauthenticated');

    const adv = await register(url, 'advertiser');
    const cookie = cookieOf(adv.client);
    expect((await open(url, { cookie })).error).toBeNull();
    expect((await adv.client.post('/api/auth/logout')).status).toBe(200);
    expect((await open(url, { cookie })).error).toBe('unauthenticated');

    const refused = await open(url, { cookie: cookieOf(offer.advertiser.client), origin: 'https://evil.example.net' });
    expect(refused.error).not.toBeNull();
    const same = await open(url, { cookie: cookieOf(offer.advertiser.client), origin: url });
    expect(same.error).toBeNull();
  });

  it('accepts the bearer token as auth.token, for API clients', async () => {
    const login = await offer.advertiser.client.post('/api/auth/login', { email: (await offer.advertiser.client.get('/api/auth/me')).body.user.email, password: 'correct horse battery' });
    expect(login.status).toBe(200);
    const { socket, error } = await open(url, { token: login.body.token });
    expect(error).toBeNull();
    expect(await subscribe(socket, `campaign:${offer.campaign.id}`)).toEqual({ ok: true });
  });

  it('serves updates from any API instance (Redis adapter): a socket on a second instance receives them', async () => {
    const ctx2 = await createTestContext({ MONGO_DB: ctx.config.MONGO_DB, REDIS_PREFIX: ctx.keys.prefix, JWT_SECRET: ctx.config.JWT_SECRET });
    const stack2 = await startTrackingStack(ctx2, { worker: false });
    try {
      const { socket, error } = await open(stack2.api.url, { cookie: cookieOf(offer.advertiser.client) });
      expect(error).toBeNull();
      const room = `campaign:${offer.campaign.id}`;
      expect(await subscribe(socket, room)).toEqual({ ok: true });
      const update = nextLive(socket, room);
      // The click goes to the first instance; the worker's update reaches the browser on the second.
      await click(url, `/c/${offer.linkId}`);
      expect((await update).delta.clicks).toBe(1);
    } finally {
      await stack2.close();
      await ctx2.close();
    }
  });

  it('does not disturb the click path or the REST API', async () => {
    const r = await click(url, `/c/${offer.linkId}`);
    expect(r.status).toBe(302);
    const h = await fetch(`${url}/api/health`);
    expect(h.status).toBe(200);
    const probe = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(probe.status).toBe(200);
  });
});

describe('closing sockets at logout and suspension, on every API instance', () => {
  let ctx2: AppContext;
  let stack2: TrackingStack;
  let url2: string;

  beforeAll(async () => {
    ctx2 = await createTestContext({ MONGO_DB: ctx.config.MONGO_DB, REDIS_PREFIX: ctx.keys.prefix, JWT_SECRET: ctx.config.JWT_SECRET });
    stack2 = await startTrackingStack(ctx2, { worker: false });
    url2 = stack2.api.url;
  }, 60_000);
  afterAll(async () => {
    await stack2?.close();
    await ctx2?.close();
  });

  const closedByServer = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));

  it('closes the sockets of the session that logged out, wherever they are connected, and no other session’s', async () => {
    const adv = await register(url, 'advertiser');
    const otherSession = await login(url, adv.email);
    const here = await open(url, { cookie: cookieOf(adv.client) });
    const there = await open(url2, { cookie: cookieOf(adv.client) });
    const other = await open(url2, { cookie: cookieOf(otherSession) });
    for (const s of [here, there, other]) expect(s.error).toBeNull();
    const closed = [closedByServer(here.socket), closedByServer(there.socket)];
    expect((await adv.client.post('/api/auth/logout')).status).toBe(200);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    // The instance that closed `there` has handled the request: the other session's socket on it stayed open.
    expect(other.socket.connected).toBe(true);
    expect(await subscribe(other.socket, 'admin')).toEqual({ ok: false, error: 'forbidden' });
  });

  it('closes a suspended affiliate’s sockets on every instance, even one that tried to leave its private rooms', async () => {
    const aff = await approvedAffiliate(url, offer.admin.client, 'suspended-later');
    const cookie = cookieOf(aff.client);
    const here = (await open(url, { cookie })).socket;
    const there = (await open(url2, { cookie })).socket;
    expect(await subscribe(here, `affiliate:${aff.id}`)).toEqual({ ok: true });
    expect(await subscribe(there, `affiliate:${aff.id}`)).toEqual({ ok: true });
    await there.timeout(5000).emitWithAck('unsubscribe', { room: `user:${aff.id}` });
    const closed = [closedByServer(here), closedByServer(there)];
    expect((await offer.admin.client.post(`/api/admin/affiliates/${aff.id}/suspend`, { note: 'fraud' })).status).toBe(200);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    // It may connect again (the account exists) but no longer join its room.
    const again = await open(url2, { cookie });
    expect(again.error).toBeNull();
    expect(await subscribe(again.socket, `affiliate:${aff.id}`)).toEqual({ ok: false, error: 'forbidden' });
  });

  it('leaves other users’ sockets alone when an affiliate is suspended', async () => {
    const target = await approvedAffiliate(url, offer.admin.client, 'target');
    const bystander = (await open(url2, { cookie: cookieOf(offer.affiliate.client) })).socket;
    const victim = (await open(url2, { cookie: cookieOf(target.client) })).socket;
    const closed = closedByServer(victim);
    expect((await offer.admin.client.post(`/api/admin/affiliates/${target.id}/suspend`, { note: '' })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(bystander.connected).toBe(true);
    expect(await subscribe(bystander, `affiliate:${offer.affiliate.id}`)).toEqual({ ok: true });
  });
});
