import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context';
import { faultContext, ownMongo, tempDir, until, type OwnService } from './faults/helpers';
import { createOffer, startTrackingStack, type Offer, type TrackingStack } from './helpers/tracking';

/**
 * Issue 12, finding 7: while the MongoDB-wire server is frozen (SIGSTOP: the
 * sockets stay open and nothing answers), API requests that need it fail fast
 * with 503 and Retry-After instead of hanging for the whole stall; the click
 * redirect (Redis only) keeps working; after SIGCONT the same request succeeds.
 */
const STALL_MS = 500;
let mongo: OwnService;
let ctx: AppContext;
let stack: TrackingStack;
let offer: Offer;

beforeAll(async () => {
  mongo = await ownMongo(tempDir('db-timeout'));
  ({ ctx } = await faultContext({ mongoUrl: mongo.url, env: { DB_REQUEST_STALL_MS: String(STALL_MS), LINK_CACHE_TTL_MS: '600000', POSTBACK_ENQUEUE_TIMEOUT_MS: '2500' } }));
  stack = await startTrackingStack(ctx, { worker: false });
  offer = await createOffer(ctx, stack.api.url);
}, 90_000);

afterAll(async () => {
  if (mongo?.pid()) mongo.signal('SIGCONT');
  await stack?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
  await mongo?.stop();
}, 60_000);

describe('MongoDB-wire server frozen', () => {
  it('answers a database-backed request 503 with Retry-After long before the stall ends, and serves it again after', async (t) => {
    if (mongo.pid() === null) t.skip('no MongoDB-wire server process of this test to SIGSTOP');
    const campaigns = () => offer.advertiser.client.get('/api/campaigns');
    expect((await campaigns()).status).toBe(200);
    const clickUrl = `http://127.0.0.1:${stack.api.port}/c/${offer.linkId}`;
    expect((await fetch(clickUrl, { redirect: 'manual' })).status).toBe(302);
    const postback = (txn: string, token = String(offer.campaign.postbackSecret)) =>
      fetch(`http://127.0.0.1:${stack.api.port}/api/track/postback?${new URLSearchParams({ click_id: 'unknown-click', txn_id: txn, token })}`);
    // Seen valid once, so intake knows the token without the database.
    expect((await postback('before')).status).toBe(200);
    // A campaign whose token this API has never seen: intake waits for the database longer than the request deadline.
    const unseen = await ctx.models.Campaign.create({ ...(await ctx.models.Campaign.findById(offer.campaign.id).lean()), _id: undefined, name: 'Unseen', postbackSecret: 'unseen-token-0123456789abcdef' });

    mongo.signal('SIGSTOP');
    // Everything in this block is answered before SIGCONT: the server could not have given these answers.
    try {
      const started = Date.now();
      const res = await campaigns();
      const tookMs = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: { code: 'service_unavailable', message: expect.stringMatching(/database did not answer/), details: { retryAfterSeconds: 5 } } });
      expect(res.headers.get('retry-after')).toBe('5');
      // Two stall periods (the request's, then the ping's), with a generous margin for a busy machine; the stall we end is 12 s.
      expect(tookMs).toBeLessThan(8000);

      // A write is told that its outcome is unknown.
      const write = await offer.advertiser.client.patch(`/api/campaigns/${offer.campaign.id}`, { name: 'Renamed while frozen' });
      expect(write.status).toBe(503);
      expect(write.body.error.message).toMatch(/may or may not have been saved/);

      // Accepted traffic does not need the database: the click is redirected and queued in Redis, and a
      // postback is taken (a 503 would make the advertiser resend one that was queued).
      expect((await fetch(clickUrl, { redirect: 'manual' })).status).toBe(302);
      expect((await postback('while-frozen')).status).toBe(200);
      // Accepted unchecked once its own deadline passes, never answered 503 after being queued.
      expect((await postback('unseen-while-frozen', unseen.postbackSecret)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 12_000 - (Date.now() - started)));
    } finally {
      mongo.signal('SIGCONT');
    }
    const after = await until('GET /api/campaigns to answer 200 after SIGCONT', async () => {
      const res = await campaigns();
      return res.status === 200 ? res : null;
    }, 30_000, 250);
    expect(after.body.items.map((c: { id: string }) => c.id)).toContain(offer.campaign.id);
  }, 90_000);
});
