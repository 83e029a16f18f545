import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { allowScrape } from '../src/http/routes/metrics';
import { createTestContext, destroyTestContext } from './helpers/context';
import { click, createOffer, eventually, startTrackingStack, storedClick, type TrackingStack } from './helpers/tracking';

/** Prometheus metrics of an API instance (prom-client), scraped like Prometheus does. */
let ctx: AppContext;
let stack: TrackingStack;

beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_PER_IP: '100000' });
  stack = await startTrackingStack(ctx);
});

afterAll(async () => {
  await stack?.close();
  await destroyTestContext(ctx);
});

const scrape = async (headers: Record<string, string> = {}) => {
  const res = await fetch(`${stack.api.url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};

/** The value of one sample, e.g. `offerly_clicks_total{reason="valid"}`. */
const sample = (text: string, series: string): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
};

describe('metrics', () => {
  it('counts clicks, tracking-link answers, API requests and the queues the workers drain', async () => {
    const offer = await createOffer(ctx, stack.api.url);
    const first = await click(stack.api.url, `/c/${offer.linkId}`);
    await click(stack.api.url, `/c/${offer.linkId}`, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    await click(stack.api.url, '/c/NoSuchLink1');
    await storedClick(ctx, first.clickId!);
    expect((await offer.advertiser.client.get('/api/campaigns')).status).toBe(200);

    const m = await eventually(async () => {
      const r = await scrape();
      // The worker's count of completed batches reaches BullMQ's metrics a moment after the click is stored.
      return (sample(r.text, 'offerly_queue_processed{queue="clicks",outcome="completed"}') ?? 0) >= 1 ? r : undefined;
    }, 'the click worker to show up in the queue metrics');
    expect(m.status).toBe(200);
    expect(m.type).toContain('text/plain');
    expect(sample(m.text, 'offerly_clicks_total{reason="valid"}')).toBe(1);
    expect(sample(m.text, 'offerly_clicks_total{reason="bot"}')).toBe(1);
    expect(sample(m.text, 'offerly_click_answers_total{status="302"}')).toBe(2);
    expect(sample(m.text, 'offerly_click_answers_total{status="404"}')).toBe(1);
    expect(sample(m.text, 'offerly_http_request_duration_seconds_count{method="GET",route="/api/campaigns",status="2xx"}')).toBe(1);
    expect(sample(m.text, 'offerly_queue_jobs{queue="clicks",state="failed"}')).toBe(0);
    expect(sample(m.text, 'offerly_click_batches{to="queue"}')).toBeGreaterThanOrEqual(1);
    expect(m.text).toContain('offerly_process_cpu_user_seconds_total');
  });

  it('serves this machine without a token, and anyone else only with METRICS_TOKEN', async () => {
    const here = { socket: { remoteAddress: '127.0.0.1' }, get: () => undefined } as never;
    const elsewhere = (authorization?: string) => ({ socket: { remoteAddress: '10.1.2.3' }, get: () => authorization }) as never;
    const open = { config: { METRICS_TOKEN: undefined } } as never;
    const guarded = { config: { METRICS_TOKEN: 'a-long-scrape-token-123' } } as never;
    expect(() => allowScrape(open, here)).not.toThrow();
    expect(() => allowScrape(open, elsewhere())).toThrow(/METRICS_TOKEN/);
    expect(() => allowScrape(guarded, elsewhere('Bearer a-long-scrape-token-123'))).not.toThrow();
    expect(() => allowScrape(guarded, elsewhere('Bearer a-long-scrape-token-124'))).toThrow(/Bearer/);
    expect(() => allowScrape(guarded, here)).toThrow(/Bearer/);

    const strict = await createTestContext({ METRICS_TOKEN: 'a-long-scrape-token-123' });
    const other = await startTrackingStack(strict, { worker: false });
    try {
      expect((await fetch(`${other.api.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${other.api.url}/metrics`, { headers: { authorization: 'Bearer a-long-scrape-token-123' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('offerly_clicks_total');
    } finally {
      await other.close();
      await destroyTestContext(strict);
    }
  });
});
