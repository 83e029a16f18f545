import type { AppContext } from '../../src/context';
import { clickPartition, partitionKey, type ClickDoc } from '../../src/db/raw-events';
import { newClickId } from '../../src/domain/click-id';
import { hourStart } from '../../src/domain/time-buckets';
import type { ApiServer } from '../../src/http/server';
import { startWorkers } from '../../src/workers';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin, startTestApi } from './api';
import { createTestContext, destroyTestContext } from './context';
import { TestClient } from './http-client';

export interface Party {
  client: TestClient;
  id: string;
}

/** An API, the conversion and delivery workers, an admin, an advertiser and an approved affiliate. */
export interface PostbackEnv {
  ctx: AppContext;
  api: ApiServer;
  admin: Party;
  adv: Party;
  aff: Party;
  /** Unauthenticated client, as the advertiser's server would call. */
  server: TestClient;
  close(): Promise<void>;
}

export async function startPostbackEnv(env: Parameters<typeof createTestContext>[0] = {}, workers = ['conversions', 'deliveries']): Promise<PostbackEnv> {
  const ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000', ...env });
  const api = await startTestApi(ctx);
  const stopWorkers = await startWorkers(ctx, workers);
  const admin = await createAdmin(ctx, api.url);
  const adv = await approvedAdvertiser(api.url, admin.client);
  const aff = await approvedAffiliate(api.url, admin.client);
  return {
    ctx,
    api,
    admin,
    adv,
    aff,
    server: new TestClient(api.url),
    async close() {
      await stopWorkers();
      await api.close();
      await destroyTestContext(ctx);
    },
  };
}

export interface TestCampaign {
  id: string;
  advertiserId: string;
  currency: string;
  postbackSecret: string;
  linkId: string;
  affiliateId: string;
}

/** Creates a campaign as the advertiser and the affiliate's link to it. */
export async function campaignWithLink(e: PostbackEnv, over: Record<string, unknown> = {}, aff: Party = e.aff, adv: Party = e.adv): Promise<TestCampaign> {
  const res = await adv.client.post('/api/campaigns', cpaCampaign(over));
  if (res.status !== 201) throw new Error(`campaign: ${res.status} ${res.text}`);
  const c = res.body.campaign;
  const link = await aff.client.get(`/api/campaigns/${c.id}/link`);
  if (link.status !== 200) throw new Error(`link: ${link.status} ${link.text}`);
  return { id: c.id, advertiserId: c.advertiserId, currency: c.currency, postbackSecret: c.postbackSecret, linkId: link.body.link.id, affiliateId: aff.id };
}

/** Stores a click the way the click worker does (the click path is not under test here). */
export async function insertClick(
  ctx: AppContext,
  c: Pick<TestCampaign, 'id' | 'advertiserId' | 'currency' | 'linkId' | 'affiliateId'>,
  opts: { ts?: number; valid?: boolean; reason?: string | null; sub1?: string | null; id?: string } = {},
): Promise<string> {
  const ts = opts.ts ?? Date.now() - 3_600_000;
  const id = opts.id ?? newClickId(ts);
  const valid = opts.valid ?? true;
  const doc: ClickDoc = {
    _id: id, ts: new Date(ts), hour: new Date(hourStart(ts)), linkId: c.linkId, campaignId: c.id, affiliateId: c.affiliateId, advertiserId: c.advertiserId,
    unique: 1, valid: valid ? 1 : 0, invalid: valid ? 0 : 1, reason: opts.reason ?? (valid ? null : 'bot'),
    sub1: opts.sub1 ?? 'fb', sub2: 'adset-1', sub3: null, sub4: null, sub5: null,
    visitor: 'v', ua: 'Mozilla/5.0', country: null, referer: null, deepLink: null, revenueCents: 0, payoutCents: 0, currency: c.currency,
  };
  await (await clickPartition(ctx.db, partitionKey(ts))).insertOne(doc);
  return id;
}

export async function postback(e: PostbackEnv, params: Record<string, string>): Promise<string> {
  const res = await e.server.get(`/api/track/postback?${new URLSearchParams(params)}`);
  if (res.status !== 200 || !res.body.accepted) throw new Error(`postback: ${res.status} ${res.text}`);
  return res.body.id as string;
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls the postback (as admin) until it is resolved. */
export async function resolved(e: PostbackEnv, id: string, timeoutMs = 20_000): Promise<any> {
  return until(`postback ${id}`, async () => {
    const res = await e.admin.client.get(`/api/track/postback/${id}`);
    return res.status === 200 && res.body.postback.state !== 'queued' ? res.body.postback : null;
  }, timeoutMs);
}

export async function sendAndResolve(e: PostbackEnv, params: Record<string, string>): Promise<any> {
  return resolved(e, await postback(e, params));
}
