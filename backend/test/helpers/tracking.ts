import type { AppContext } from '../../src/context';
import type { Filter } from 'mongodb';
import { findClick, listClickPartitions, clicksCollectionName, type ClickDoc } from '../../src/db/raw-events';
import { startApiServer, type ApiServer } from '../../src/http/server';
import { attachSocketServer } from '../../src/realtime/socket-server';
import { startClickTracking, type ClickTracking } from '../../src/tracking';
import { startClickWorker, type ClickWorkerOptions } from '../../src/workers/click-worker';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin } from './api';
import type { TestClient } from './http-client';

export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

export interface TrackingStack {
  api: ApiServer;
  tracking: ClickTracking;
  stopWorker: (() => Promise<void>) | null;
  close(): Promise<void>;
}

/** API with the click fast path and Socket.IO, plus (unless told otherwise) a click worker, all in this process. */
export async function startTrackingStack(ctx: AppContext, opts: { worker?: boolean | ClickWorkerOptions; replayIntervalMs?: number } = {}): Promise<TrackingStack> {
  const tracking = await startClickTracking(ctx, { replayIntervalMs: opts.replayIntervalMs });
  const api = await startApiServer(ctx, {
    port: 0,
    host: '127.0.0.1',
    fastPaths: [tracking.fastPath],
    attach: (server) => attachSocketServer(ctx, server),
  });
  const workerOpts = opts.worker === undefined || opts.worker === true ? {} : opts.worker;
  const stopWorker = workerOpts === false ? null : await startClickWorker(ctx, workerOpts);
  return {
    api,
    tracking,
    stopWorker,
    async close() {
      await api.close();
      await stopWorker?.();
    },
  };
}

/** Polls until `fn` returns a value that is not undefined/false, or fails after the deadline. */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Click {
  status: number;
  location: string | null;
  clickId: string | null;
  text: string;
  headers: Headers;
}

/** One click as a browser would make it (no redirect following). */
export async function click(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Click> {
  const res = await fetch(baseUrl + path, { method, redirect: 'manual', headers: { 'user-agent': BROWSER_UA, ...headers } });
  const text = await res.text();
  const location = res.headers.get('location');
  let clickId: string | null = null;
  if (location) {
    const m = /[0-9a-f]{32}/.exec(location);
    clickId = m ? m[0] : null;
  }
  return { status: res.status, location, clickId, text, headers: res.headers };
}

export const storedClick = (ctx: AppContext, id: string) => eventually(async () => (await findClick(ctx.db, id)) ?? undefined, `click ${id} to be stored`);

/** Every stored click matching `filter`, across partitions. */
export async function storedClicksWhere(ctx: AppContext, filter: Filter<ClickDoc>): Promise<ClickDoc[]> {
  const out: ClickDoc[] = [];
  for (const key of await listClickPartitions(ctx.db)) out.push(...(await ctx.db.collection<ClickDoc>(clicksCollectionName(key)).find(filter).toArray()));
  return out;
}

/** Every stored click of a link, across partitions. */
export const clicksOfLink = (ctx: AppContext, linkId: string): Promise<ClickDoc[]> => storedClicksWhere(ctx, { linkId });

export interface Offer {
  admin: { client: TestClient; id: string };
  advertiser: { client: TestClient; id: string };
  affiliate: { client: TestClient; id: string };
  campaign: { id: string; [k: string]: unknown };
  linkId: string;
}

/** An advertiser's campaign, an approved affiliate and its tracking link. */
export async function createOffer(ctx: AppContext, baseUrl: string, campaign: Record<string, unknown> = {}, parties: Partial<Pick<Offer, 'admin' | 'advertiser'>> = {}): Promise<Offer> {
  const admin = parties.admin ?? (await createAdmin(ctx, baseUrl));
  const advertiser = parties.advertiser ?? (await approvedAdvertiser(baseUrl, admin.client));
  const affiliate = await approvedAffiliate(baseUrl, admin.client);
  const c = await advertiser.client.post('/api/campaigns', cpaCampaign(campaign));
  if (c.status !== 201) throw new Error(`campaign: ${c.status} ${c.text}`);
  const l = await affiliate.client.get(`/api/campaigns/${c.body.campaign.id}/link`);
  if (l.status !== 200) throw new Error(`link: ${l.status} ${l.text}`);
  return { admin, advertiser, affiliate, campaign: c.body.campaign, linkId: l.body.link.id };
}
