import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseConfig } from '../../src/config';
import { createContext, type AppContext } from '../../src/context';
import { findClick } from '../../src/db/raw-events';
import { newClickId } from '../../src/domain/click-id';
import { createLogger } from '../../src/logger';
import { readLive } from '../../src/realtime/live-counters';
import { startRedis } from '../../src/services';
import type { RedisHandle } from '../../src/services/redis-server';
import type { ClickBatch } from '../../src/tracking/click-event';
import { ClickSpool } from '../../src/tracking/spool';
import { click, clicksOfLink, createOffer, eventually, startTrackingStack, storedClick, type TrackingStack } from '../helpers/tracking';

/**
 * These tests stop and pause Redis, so they run their own redis-server
 * (own port and data dir) instead of the shared one.
 */
let redis: RedisHandle;
let redisDir: string;
let ctx: AppContext;
let stack: TrackingStack;

beforeAll(async () => {
  const id = crypto.randomBytes(5).toString('hex');
  redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-spool-redis-'));
  redis = await startRedis({ dataDir: redisDir });
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGO_DB: `t_${id}`,
    REDIS_PREFIX: `t${id}`,
    DATA_DIR: path.join(os.tmpdir(), `offerly-t-${id}`),
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    LOGIN_MAX_PER_IP: '100000',
    TRUST_PROXY: 'true',
    CLICK_ENQUEUE_TIMEOUT_MS: '50',
  });
  ctx = await createContext(config, { name: 'spool-test', mongoUrl: inject('mongoUrl'), redisUrl: redis.url });
  stack = await startTrackingStack(ctx, { replayIntervalMs: 200 });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
  await redis?.stop();
  fs.rmSync(redisDir, { recursive: true, force: true });
  if (ctx) fs.rmSync(ctx.config.DATA_DIR, { recursive: true, force: true });
});

function spooledClickIds(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const ids: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (line) ids.push(...(JSON.parse(line) as ClickBatch).clicks.map((c) => c.id));
    }
  }
  return ids;
}

describe('click spool', () => {
  it('keeps redirecting while Redis is down, spools every click, and stores each exactly once after Redis is back', async () => {
    const url = stack.api.url;
    const offer = await createOffer(ctx, url);
    const warm = await click(url, `/c/${offer.linkId}`);
    await storedClick(ctx, warm.clickId!);

    await redis.stop();
    const during = [];
    for (let round = 0; round < 4; round++) {
      during.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => click(url, `/c/${offer.linkId}?sub1=r${round}i${i}`, { 'x-forwarded-for': `198.51.100.${round * 10 + i}` })))));
    }
    expect(during.map((r) => r.status)).toEqual(Array(40).fill(302));
    const ids = during.map((r) => r.clickId!);
    expect(new Set(ids).size).toBe(40);
    expect(spooledClickIds(ctx.config.SPOOL_DIR).sort()).toEqual([...ids].sort());
    expect(stack.tracking.batcher.stats.spooled).toBeGreaterThan(0);

    redis = await startRedis({ dataDir: redisDir, port: redis.port });
    await eventually(async () => {
      for (const id of ids) if (!(await findClick(ctx.db, id))) return undefined;
      return true;
    }, 'every spooled click to be stored', 30_000);
    await eventually(() => stack.tracking.spool.pending().length === 0 || undefined, 'the spool to be emptied');
    const docs = await clicksOfLink(ctx, offer.linkId);
    expect(docs).toHaveLength(41);
    expect(new Set(docs.map((d) => d._id)).size).toBe(41);
    expect(docs.filter((d) => d.unique === 1)).toHaveLength(41);
    const live = await eventually(async () => {
      const l = await readLive(ctx.redis, ctx.keys, 'campaign', offer.campaign.id);
      return l.today.clicks === 41 ? l : undefined;
    }, 'live counters to catch up');
    expect(live.today.uniqueClicks).toBe(41);
  }, 90_000);

  it('spools clicks whose enqueue is too slow; the late job and the spooled copy store and count each click once', async () => {
    const url = stack.api.url;
    const offer = await createOffer(ctx, url);
    await click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': '203.0.113.250' }); // warm the cache
    const spooledBefore = stack.tracking.batcher.stats.spooled;
    // Writes wait in Redis for 600 ms: every enqueue exceeds CLICK_ENQUEUE_TIMEOUT_MS (50 ms) but then succeeds.
    await ctx.redis.call('CLIENT', 'PAUSE', '600', 'WRITE');
    const during = await Promise.all(Array.from({ length: 12 }, (_, i) => click(url, `/c/${offer.linkId}`, { 'x-forwarded-for': `203.0.113.${i}` })));
    expect(during.map((r) => r.status)).toEqual(Array(12).fill(302));
    expect(stack.tracking.batcher.stats.spooled).toBeGreaterThan(spooledBefore);
    expect(stack.tracking.batcher.stats.timeouts).toBeGreaterThan(0);
    const ids = during.map((r) => r.clickId!);
    await eventually(async () => {
      for (const id of ids) if (!(await findClick(ctx.db, id))) return undefined;
      return true;
    }, 'clicks stored', 30_000);
    await eventually(() => stack.tracking.spool.pending().length === 0 || undefined, 'the spool to be replayed');
    // Let any second copy of a batch reach the worker before counting.
    await eventually(async () => {
      const c = await ctx.queues.clicks.getJobCounts('waiting', 'active', 'delayed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0 || undefined;
    }, 'queue drained');
    expect(await clicksOfLink(ctx, offer.linkId)).toHaveLength(13);
    const live = await readLive(ctx.redis, ctx.keys, 'campaign', offer.campaign.id);
    expect(live.today.clicks).toBe(13);
  }, 60_000);
});

describe('spool files', () => {
  const log = createLogger('silent', 'spool');
  const batch = (n: number): ClickBatch => {
    const clicks = Array.from({ length: n }, () => ({
      id: newClickId(),
      ts: Date.now(),
      linkId: 'Lspool0001',
      campaignId: 'c'.repeat(24),
      affiliateId: 'a'.repeat(24),
      advertiserId: 'd'.repeat(24),
      currency: 'USD',
      reason: null,
      sub1: null,
      sub2: null,
      sub3: null,
      sub4: null,
      sub5: null,
      visitor: crypto.randomBytes(16).toString('hex'),
      ua: 'Mozilla/5.0 test',
      country: null,
      referer: null,
      deepLink: null,
      cpcRevenueCents: 0,
      cpcPayoutCents: 0,
    }));
    return { id: clicks[0]!.id, clicks };
  };

  it('replays files left by a dead process and sets unreadable lines aside instead of dropping them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-spool-'));
    // A pid that certainly belonged to a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 60);
    const b1 = batch(3);
    const b2 = batch(2);
    fs.writeFileSync(path.join(dir, `spool_${host}_${dead}_deadbeef.jsonl`), `${JSON.stringify(b1)}\nnot json at all\n${JSON.stringify(b2)}\n{"id":"cut sh`);
    // A replay that a dead process had claimed and not finished.
    const b3 = batch(1);
    fs.writeFileSync(path.join(dir, `replay_${host}_${dead}_cafebabe_0.jsonl`), `${JSON.stringify(b3)}\n`);
    const spool = new ClickSpool(dir, log);
    const res = await spool.replay(ctx.queues.clicks);
    expect(res).toEqual({ files: 2, batches: 3, corrupt: 2 });
    expect(spool.pending()).toEqual([]);
    const corrupt = fs.readdirSync(dir).filter((n) => n.startsWith('corrupt_'));
    expect(corrupt).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, corrupt[0]!), 'utf8')).toContain('not json at all');
    for (const b of [b1, b2, b3]) await storedClick(ctx, b.id);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves another live process’s fresh file alone, and takes its own', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offerly-spool-'));
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 60);
    const other = path.join(dir, `spool_${host}_${process.ppid}_0badf00d.jsonl`);
    fs.writeFileSync(other, `${JSON.stringify(batch(1))}\n`);
    const spool = new ClickSpool(dir, log);
    const mine = batch(2);
    spool.append(mine);
    const res = await spool.replay(ctx.queues.clicks);
    expect(res.batches).toBe(1);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.existsSync(spool.file)).toBe(false);
    await storedClick(ctx, mine.id);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
