import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueResetCode, RESET_CODE_TTL_MS } from '@offerly/backend/accounts/password-reset';
import type { AppContext } from '@offerly/backend/context';
import { HOUR_MS } from '@offerly/backend/domain/time-buckets';
import { createTestContext, destroyTestContext } from '../../backend/test/helpers/context';
import { retentionJob } from '../src/jobs/retention';
import { executeJob } from '../src/run';

/**
 * Expired password-reset codes are deleted by the retention job through the
 * hour buckets of their ids (accounts/reset-code-hours), codes stored before
 * the buckets existed included; a code still valid is kept; running the job
 * again changes nothing.
 */

let ctx: AppContext;
beforeAll(async () => { ctx = await createTestContext({}, 'reset-sweep'); });
afterAll(async () => { await destroyTestContext(ctx); });

const codes = () => ctx.db.collection<{ _id: string }>('password_resets');
const hourDocs = () => ctx.db.collection<{ _id: string; codes?: string[] }>('password_reset_hours');
const storedIds = async () => (await codes().find({}, { projection: { _id: 1 } }).toArray()).map((c) => c._id).sort();
const sweep = async (nowMs: number) => {
  const out = await executeJob(ctx, retentionJob, { trigger: 'cli', nowMs, progress: () => {} });
  expect(out.status).toBe('succeeded');
  return out.run!.counts.resetCodesDeleted;
};

describe('expired password-reset codes', () => {
  it('are deleted once their hour is over, old codes included; valid ones stay; a second run changes nothing', async () => {
    const now = Date.now();
    // A code stored before codes were bucketed, expired 5 hours ago, and one still valid for half an hour.
    await codes().insertOne({ _id: 'legacy-expired', userId: 'u1', issuedBy: 'a1', expiresAt: new Date(now - 5 * HOUR_MS), usedAt: null } as never);
    await codes().insertOne({ _id: 'legacy-valid', userId: 'u1', issuedBy: 'a1', expiresAt: new Date(now + HOUR_MS / 2), usedAt: null } as never);
    const fresh = await Promise.all([1, 2, 3].map((i) => issueResetCode(ctx, `user${i}`, 'admin')));
    expect(fresh.every((c) => c.expiresAt.getTime() >= now + RESET_CODE_TTL_MS)).toBe(true);
    const all = await storedIds();
    expect(all).toHaveLength(5);

    expect(await sweep(now)).toBe(1);
    expect(await storedIds()).toEqual(all.filter((id) => id !== 'legacy-expired'));
    // Again at the same time: nothing more to delete, nothing else touched.
    expect(await sweep(now)).toBe(0);
    expect(await storedIds()).toHaveLength(4);

    // Two hours on, the half-hour code's hour is over, the fresh ones' (expiring in an hour) may not be yet.
    const later = now + 3 * HOUR_MS;
    expect(await sweep(later)).toBe(4);
    expect(await storedIds()).toEqual([]);
    // Only the span document is left of the buckets.
    expect((await hourDocs().find({}).toArray()).map((d) => d._id)).toEqual(['span']);
    expect(await sweep(later)).toBe(0);
    expect(await sweep(later + 24 * HOUR_MS)).toBe(0);
  }, 60_000);

  it('finishes a sweep interrupted after deleting codes: an id whose code is gone is skipped, the rest deleted', async () => {
    const issued = await Promise.all([1, 2].map((i) => issueResetCode(ctx, `user${i}`, 'admin')));
    const ids = await storedIds();
    expect(ids).toHaveLength(2);
    // What a sweep killed half-way leaves: one of the bucket's codes deleted, the bucket still there.
    await codes().deleteOne({ _id: ids[0]! });
    const after = Math.max(...issued.map((c) => c.expiresAt.getTime())) + 2 * HOUR_MS;
    expect(await sweep(after)).toBe(1);
    expect(await storedIds()).toEqual([]);
    expect((await hourDocs().find({}).toArray()).map((d) => d._id)).toEqual(['span']);
  }, 60_000);
});
