import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFailedPostbackJobs } from '../src/conversions/failed-postbacks';
import { jobDataFor, POSTBACK_JOB, POSTBACK_SPOOL, postbackDocFor, type PostbackJobData } from '../src/conversions/postback-job';
import { resolveFailedPostback } from '../src/conversions/process-postback';
import { newId } from '../src/db/ids';
import type { PostbackDoc } from '../src/db/models/postback';
import { QUEUE_NAMES } from '../src/queues';
import { startWorkers } from '../src/workers';
import { register } from './helpers/api';
import { TestClient } from './helpers/http-client';
import { campaignWithLink, insertClick, postback, resolved, sendAndResolve, startPostbackEnv, until, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/** No worker runs unless a test starts one, so postbacks stay queued where that matters. */
let e: PostbackEnv;
let c: TestCampaign;

beforeAll(async () => {
  e = await startPostbackEnv({ POSTBACK_REPLAY_AFTER_SECONDS: '0' }, []);
  c = await campaignWithLink(e);
}, 60_000);
afterAll(async () => { await e?.close(); });

const jobData = (params: Record<string, string>): PostbackJobData => ({ id: newId(), receivedAt: new Date().toISOString(), method: 'GET', ip: null, params });
const masked = (token: string) => `${token.slice(0, 4)}…`;

async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  const stop = await startWorkers(e.ctx, ['conversions']);
  try {
    return await fn();
  } finally {
    await stop();
  }
}

/** Fails the next waiting postback job for good, as BullMQ does with one that stalled more than its limit (workers dying on it). */
async function failNextJobForGood(message: string): Promise<Job<PostbackJobData>> {
  const connection = e.ctx.redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker<PostbackJobData>(QUEUE_NAMES.conversions, null, { connection, prefix: e.ctx.keys.bullPrefix, autorun: false });
  try {
    const job = (await worker.getNextJob('dying-worker')) as Job<PostbackJobData>;
    await job.moveToFailed(new UnrecoverableError(message), 'dying-worker', false);
    return job;
  } finally {
    await worker.close();
    connection.disconnect();
  }
}

describe('GET /api/track/postback/:id before the worker has written the postback', () => {
  it('answers queued for a postback still in its job, to its campaign’s advertiser and admins only', async () => {
    const click = await insertClick(e.ctx, c);
    const id = await postback(e, { click_id: click, txn_id: 'q-1', token: c.postbackSecret });
    expect(await e.ctx.models.Postback.findById(id).lean()).toBeNull();
    const mine = await e.adv.client.get(`/api/track/postback/${id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.postback).toMatchObject({ id, state: 'queued', reason: null, campaignId: c.id, conversionId: null, params: { click_id: click, txn_id: 'q-1', token: masked(c.postbackSecret) } });
    expect((await e.admin.client.get(`/api/track/postback/${id}`)).body.postback).toMatchObject({ id, state: 'queued' });

    const stranger = await register(e.api.url, 'advertiser');
    expect((await stranger.client.get(`/api/track/postback/${id}`)).status).toBe(404);
    expect((await e.aff.client.get(`/api/track/postback/${id}`)).status).toBe(403);
    expect((await new TestClient(e.api.url).get(`/api/track/postback/${id}`)).status).toBe(401);
    expect((await e.adv.client.get(`/api/track/postback/${newId()}`)).status).toBe(404);

    // A token that opens no campaign ties the postback to none: admins only. Intake refuses such tokens, so
    // the job is queued as intake does when MongoDB could not check the token (accepted unchecked).
    const strayJob = jobData({ click_id: click, token: 'no-such-token' });
    await e.ctx.queues.conversions.add(POSTBACK_JOB, strayJob, { jobId: strayJob.id });
    const stray = strayJob.id;
    expect((await e.adv.client.get(`/api/track/postback/${stray}`)).status).toBe(404);
    expect((await e.admin.client.get(`/api/track/postback/${stray}`)).body.postback).toMatchObject({ state: 'queued', campaignId: null });
  });

  it('answers queued for a postback stored in MongoDB while Redis was down, to its campaign’s advertiser', async () => {
    const spooled = jobData({ click_id: await insertClick(e.ctx, c), txn_id: 'q-2', token: c.postbackSecret });
    // What the intake writes when the enqueue fails: the document without an owner yet, and its spool mark.
    await e.ctx.models.Postback.create(postbackDocFor(spooled));
    await e.ctx.db.collection(POSTBACK_SPOOL).insertOne({ _id: spooled.id as never, at: new Date() });
    const mine = await e.adv.client.get(`/api/track/postback/${spooled.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.postback).toMatchObject({ state: 'queued', campaignId: c.id });
    const stranger = await register(e.api.url, 'advertiser');
    expect((await stranger.client.get(`/api/track/postback/${spooled.id}`)).status).toBe(404);
  });
});

describe('postbacks whose processing fails for good', () => {
  it('rejects a postback whose job ran out of attempts (processing_failed, the error as detail), once', async () => {
    const click = await insertClick(e.ctx, c);
    const blocker = await withWorker(() => sendAndResolve(e, { click_id: click, txn_id: 's-1', token: c.postbackSecret }));
    // Its conversion stays in `processing` (as if its job vanished): a status update for it is retried until it gives up.
    await e.ctx.models.Conversion.updateOne({ _id: blocker.conversionId }, { $set: { status: 'processing' } });
    const d = jobData({ click_id: click, txn_id: 's-1', status: 'rejected', token: c.postbackSecret });
    await e.ctx.queues.conversions.add(POSTBACK_JOB, d, { jobId: d.id, attempts: 2 });
    const pb = await withWorker(() => resolved(e, d.id));
    expect(pb).toMatchObject({ state: 'rejected', reason: 'processing_failed', campaignId: c.id, conversionId: null });
    expect(pb.detail).toContain('is still being processed');
    expect((await e.adv.client.get(`/api/track/postback/${d.id}`)).status).toBe(200);
    const job = (await e.ctx.queues.conversions.getJob(d.id))!;
    expect(await job.getState()).toBe('failed');
    expect(job.data.failureResolved).toBe(true);

    // Running it again changes nothing.
    const before = (await e.ctx.models.Postback.findById(d.id).lean()) as PostbackDoc;
    expect(await resolveFailedPostbackJobs(e.ctx)).toBe(0);
    expect(await resolveFailedPostback(e.ctx, d, 'another error')).toMatchObject({ kind: 'resolved', state: 'rejected', reason: 'processing_failed' });
    expect(await e.ctx.models.Postback.findById(d.id).lean()).toEqual(before);
    await e.ctx.models.Conversion.updateOne({ _id: blocker.conversionId }, { $set: { status: 'approved' } });
  });

  it('rejects the conversion a dead job left in processing, so a later status update for it goes through', async () => {
    const click = await insertClick(e.ctx, c);
    const first = await withWorker(() => sendAndResolve(e, { click_id: click, txn_id: 'p-1', token: c.postbackSecret }));
    const doc = (await e.ctx.models.Postback.findById(first.id).lean()) as PostbackDoc;
    // As if every run of that postback had died right after inserting its conversion (step 6): the conversion is
    // `processing`, no outcome was written, and BullMQ failed the job for good after too many stalls.
    await e.ctx.models.Conversion.updateOne(
      { _id: first.conversionId },
      { $set: { status: 'processing', approved: 0, revApprovedCents: 0, payApprovedCents: 0, capHeld: false, capDay: null, approvedAt: null, history: [] } },
    );
    await e.ctx.models.Postback.deleteOne({ _id: first.id });
    await e.ctx.queues.conversions.add(POSTBACK_JOB, jobDataFor(doc), { jobId: first.id });
    await failNextJobForGood('job stalled more than allowable limit');
    expect((await e.adv.client.get(`/api/track/postback/${first.id}`)).body.postback.state).toBe('queued');

    const update = await postback(e, { click_id: click, txn_id: 'p-1', status: 'approved', token: c.postbackSecret });
    const [dead, later] = await withWorker(async () => [await resolved(e, first.id), await resolved(e, update)]);
    expect(dead).toMatchObject({ state: 'rejected', reason: 'processing_failed', conversionId: first.conversionId, campaignId: c.id });
    expect(dead.detail).toContain('stalled');
    expect(later).toMatchObject({ state: 'status_updated', conversionId: first.conversionId });
    const conv = (await e.ctx.models.Conversion.findById(first.conversionId).lean())!;
    expect(conv.status).toBe('approved');
    expect(conv.history.map((h) => [h.from, h.to, h.reason])).toEqual([
      [null, 'rejected', 'processing_failed'],
      ['rejected', 'approved', null],
    ]);
    await until('nothing left queued', async () => (await e.ctx.models.Postback.countDocuments({ _id: { $in: [first.id, update] }, state: 'queued' })) === 0);
  });
});
