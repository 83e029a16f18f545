import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { DAY_MS } from '../src/domain/time-buckets';
import type { ApiServer } from '../src/http/server';
import { runPayouts } from '../src/payouts/run';
import { approvedAdvertiser, approvedAffiliate, createAdmin, register, startTestApi } from './helpers/api';
import { createTestContext, destroyTestContext } from './helpers/context';
import { TestClient } from './helpers/http-client';
import { RawEventsBuilder } from './helpers/raw-events-builder';
import { eventually } from './helpers/tracking';

/**
 * Platform settings (GET/PATCH /api/admin/settings): environment values
 * first, admins' changes stored in one document and recorded in the audit
 * log; payout runs and registration follow them, in every process.
 */

const ENV = { LOGIN_MAX_PER_IP: '100000', PAYOUT_HOLD_DAYS: '7', PAYOUT_MIN_CENTS: '5000', CRON_PAYOUTS: '30 2 * * *', ADVERTISER_APPROVAL: 'required' } as const;
const DEFAULTS = { payoutHoldDays: 7, payoutMinimumCents: 5000, payoutSchedule: { every: 'cron', expression: '30 2 * * *' }, advertiserApproval: 'required' };

let ctx: AppContext;
/** A second process on the same database and Redis prefix, with its own settings cache. */
let other: AppContext;
let api: ApiServer;
let otherApi: ApiServer;
let admin: { client: TestClient; id: string };
let adv: { client: TestClient; id: string };
let aff: { client: TestClient; id: string };

beforeAll(async () => {
  ctx = await createTestContext(ENV);
  other = await createTestContext({ ...ENV, MONGO_DB: ctx.config.MONGO_DB, REDIS_PREFIX: ctx.config.REDIS_PREFIX }, 'other');
  api = await startTestApi(ctx);
  otherApi = await startTestApi(other);
  admin = await createAdmin(ctx, api.url);
  adv = await approvedAdvertiser(api.url, admin.client);
  aff = await approvedAffiliate(api.url, admin.client);
}, 60_000);

afterAll(async () => {
  await otherApi?.close();
  await api?.close();
  await other?.close();
  await destroyTestContext(ctx);
});

const settingsAudit = async () => (await admin.client.get('/api/admin/audit-log?action=settings.update')).body;

describe('reading and changing the platform settings', () => {
  it('shows the environment values as defaults while nothing is stored', async () => {
    const res = await admin.client.get('/api/admin/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      values: DEFAULTS,
      defaults: DEFAULTS,
      sources: { payoutHoldDays: 'default', payoutMinimumCents: 'default', payoutSchedule: 'default', advertiserApproval: 'default' },
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('is for admins only: advertisers and affiliates get 403, anonymous callers 401', async () => {
    for (const who of [adv.client, aff.client]) {
      const read = await who.get('/api/admin/settings');
      expect(read.status).toBe(403);
      expect(read.body.error.code).toBe('forbidden');
      const write = await who.patch('/api/admin/settings', { payoutHoldDays: 1 });
      expect(write.status).toBe(403);
    }
    const anon = new TestClient(api.url);
    expect((await anon.get('/api/admin/settings')).status).toBe(401);
    expect((await anon.patch('/api/admin/settings', { payoutHoldDays: 1 })).status).toBe(401);
    expect((await admin.client.get('/api/admin/settings')).body.sources.payoutHoldDays).toBe('default');
  });

  it('refuses bad values with 400 naming the field, and stores nothing', async () => {
    const bad: Array<[unknown, string]> = [
      [{ payoutHoldDays: 366 }, 'payoutHoldDays'],
      [{ payoutHoldDays: -1 }, 'payoutHoldDays'],
      [{ payoutHoldDays: 2.5 }, 'payoutHoldDays'],
      [{ payoutMinimumCents: 12.5 }, 'payoutMinimumCents'],
      [{ payoutMinimumCents: '5000' }, 'payoutMinimumCents'],
      [{ payoutSchedule: { every: 'week', weekday: 'funday', at: '02:30' } }, 'payoutSchedule.weekday'],
      [{ payoutSchedule: { every: 'day', at: '25:00' } }, 'payoutSchedule.at'],
      [{ payoutSchedule: { every: 'month', day: 31, at: '02:30' } }, 'payoutSchedule.day'],
      [{ payoutSchedule: { every: 'cron', expression: 'every day' } }, 'payoutSchedule.expression'],
      [{ payoutSchedule: { every: 'cron', expression: '99 2 * * *' } }, 'payoutSchedule.expression'],
      [{ advertiserApproval: 'sometimes' }, 'advertiserApproval'],
      [{ advertiserApproval: false }, 'advertiserApproval'],
    ];
    for (const [body, path] of bad) {
      const res = await admin.client.patch('/api/admin/settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(body)).toContain(path);
    }
    expect((await admin.client.patch('/api/admin/settings', {})).status).toBe(400);
    expect((await admin.client.patch('/api/admin/settings', { payoutHoldDays: 3, holdDays: 3 })).status).toBe(400);
    const now = (await admin.client.get('/api/admin/settings')).body;
    expect(now.values).toEqual(DEFAULTS);
    expect(now.updatedAt).toBeNull();
    expect((await settingsAudit()).items).toEqual([]);
  });

  it('stores an admin’s change, shows where each value comes from, and records before and after in the audit log', async () => {
    const res = await admin.client.patch('/api/admin/settings', { payoutHoldDays: 3, payoutMinimumCents: 1000, payoutSchedule: { every: 'week', weekday: 'monday', at: '04:15' } });
    expect(res.status).toBe(200);
    expect(res.body.values).toEqual({ ...DEFAULTS, payoutHoldDays: 3, payoutMinimumCents: 1000, payoutSchedule: { every: 'week', weekday: 'monday', at: '04:15' } });
    expect(res.body.defaults).toEqual(DEFAULTS);
    expect(res.body.sources).toEqual({ payoutHoldDays: 'database', payoutMinimumCents: 'database', payoutSchedule: 'database', advertiserApproval: 'default' });
    expect(res.body.updatedBy).toBe(admin.id);
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await admin.client.get('/api/admin/settings')).body).toEqual(res.body);

    const audit = await settingsAudit();
    expect(audit.total).toBe(1);
    expect(audit.items[0]).toMatchObject({
      action: 'settings.update',
      actor: { id: admin.id, role: 'admin', via: 'cookie' },
      target: { type: 'settings', id: 'platform', label: 'Platform settings' },
      details: {
        'payoutHoldDays_before': 7,
        'payoutHoldDays_after': 3,
        'payoutMinimumCents_before': 5000,
        'payoutMinimumCents_after': 1000,
        'payoutSchedule_before': 'cron "30 2 * * *" (UTC)',
        'payoutSchedule_after': 'weekly on monday at 04:15 UTC',
      },
    });
    expect(Object.keys(audit.items[0].details).some((k) => k.startsWith('advertiserApproval'))).toBe(false);
  });

  it('resets a setting to its environment default with null, and records nothing for a change that changes nothing', async () => {
    const res = await admin.client.patch('/api/admin/settings', { payoutHoldDays: null, payoutMinimumCents: 1000 });
    expect(res.status).toBe(200);
    expect(res.body.values.payoutHoldDays).toBe(7);
    expect(res.body.sources).toMatchObject({ payoutHoldDays: 'default', payoutMinimumCents: 'database' });
    const audit = await settingsAudit();
    expect(audit.total).toBe(2);
    expect(audit.items[0].details).toEqual({ 'payoutHoldDays_before': 3, 'payoutHoldDays_after': 7, 'payoutHoldDays_reset': true });

    expect((await admin.client.patch('/api/admin/settings', { payoutMinimumCents: 1000, payoutHoldDays: null })).status).toBe(200);
    expect((await settingsAudit()).total).toBe(2);
  });
});

describe('what follows the settings', () => {
  it('registration: turning advertiser approval off approves new advertisers at once, on every API instance', async () => {
    // The other instance has the settings cached from this registration on.
    const before = await register(otherApi.url, 'advertiser');
    expect((await before.client.get('/api/auth/me')).body.user.status).toBe('pending');

    expect((await admin.client.patch('/api/admin/settings', { advertiserApproval: 'auto' })).status).toBe(200);
    // Well inside the cache's 30 s lifetime: only the change message can make the other instance see it.
    await eventually(async () => (await other.settings.current()).values.advertiserApproval === 'auto', 'the other instance to see the change', 10_000);
    const auto = await register(otherApi.url, 'advertiser');
    expect((await auto.client.get('/api/auth/me')).body.user.status).toBe('approved');
    expect((await ctx.models.User.findById(auto.id).lean())?.statusHistory).toMatchObject([{ by: null, from: null, to: 'approved', note: 'registered (approval not required)' }]);
    const affiliate = await register(api.url, 'affiliate');
    expect((await affiliate.client.get('/api/auth/me')).body.user.status).toBe('pending');

    expect((await admin.client.patch('/api/admin/settings', { advertiserApproval: null })).status).toBe(200);
    await eventually(async () => (await other.settings.current()).values.advertiserApproval === 'required', 'the other instance to see the reset', 10_000);
    const again = await register(otherApi.url, 'advertiser');
    expect((await again.client.get('/api/auth/me')).body.user.status).toBe('pending');
  });

  it('payout runs use the hold period and minimum in effect, and a re-run changes nothing', async () => {
    const b = new RawEventsBuilder(ctx);
    const now = Date.now();
    const campaign = await b.campaign({ name: 'Settings', advertiserId: adv.id });
    // 3 000 cents converted 4 days ago: inside the 7-day default hold, below the 5 000 default minimum.
    await b.addConversions(Array.from({ length: 3 }, (_, i) => ({ at: now - 4 * DAY_MS + i * 1000, campaign, affiliateId: aff.id, payoutCents: 1000 })));
    await admin.client.patch('/api/admin/settings', { payoutHoldDays: null, payoutMinimumCents: null });

    expect(await runPayouts(other, { runId: 'defaults', nowMs: now })).toMatchObject({ payouts: 0, carriedOver: 0 });
    await admin.client.patch('/api/admin/settings', { payoutHoldDays: 3 });
    // Past the hold now, but below the minimum: carried over.
    expect(await runPayouts(other, { runId: 'hold-3', nowMs: now })).toMatchObject({ payouts: 0, carriedOver: 3 });
    await admin.client.patch('/api/admin/settings', { payoutMinimumCents: 2500 });
    expect(await runPayouts(other, { runId: 'min-2500', nowMs: now })).toMatchObject({ payouts: 1, conversions: 3, carriedOver: 0 });
    const payouts = await ctx.models.Payout.find({ affiliateId: aff.id }).lean();
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ amountCents: 3000, conversionCount: 3, status: 'pending_approval' });
    expect(payouts[0]!.cutoff.getTime()).toBe(now - 3 * DAY_MS);

    expect(await runPayouts(other, { runId: 'again', nowMs: now })).toMatchObject({ payouts: 0, conversions: 0, carriedOver: 0 });
    expect(await ctx.models.Payout.countDocuments({ affiliateId: aff.id })).toBe(1);
  });
});
