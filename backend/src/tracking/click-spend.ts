import type { Redis } from 'ioredis';
import { publishInvalidation } from '../cache-bus/invalidations';
import type { Models } from '../db/connection';
import { upsertRetrying } from '../db/duplicate-key';
import type { CampaignCounterDoc } from '../db/models/campaign-counter';
import type { ClickDoc } from '../db/raw-events';
import { limitReached, nextSpendCents } from '../domain/click-rules';
import { dayKey } from '../domain/time-buckets';
import type { Logger } from '../logger';
import type { RedisKeys } from '../redis';
import { BATCH_MARK_TTL_S } from './batch-marks';
import type { ClickBatch } from './click-event';

export interface SpendDeps {
  redis: Redis;
  keys: RedisKeys;
  log: Logger;
  models: Pick<Models, 'Campaign' | 'CampaignCounter'>;
}

type DaySpend = { campaignId: string; day: string; cents: number };
type TouchedCounters = { day: CampaignCounterDoc | null; total: CampaignCounterDoc | null };

/** The batch's CPC spend per campaign and UTC day. */
function spendByCampaignDay(docs: ClickDoc[]): DaySpend[] {
  const spend = new Map<string, DaySpend>();
  for (const d of docs) {
    if (!d.revenueCents) continue;
    const day = dayKey(d.ts.getTime());
    const k = `${d.campaignId}|${day}`;
    const s = spend.get(k) ?? { campaignId: d.campaignId, day, cents: 0 };
    s.cents += d.revenueCents;
    spend.set(k, s);
  }
  return [...spend.values()];
}

function upsertSpend(deps: SpendDeps, id: string, campaignId: string, day: string, cents: number): Promise<CampaignCounterDoc | null> {
  return upsertRetrying(
    () =>
      deps.models.CampaignCounter.findOneAndUpdate(
        { _id: id },
        { $inc: { spendCents: cents }, $setOnInsert: { campaignId, day, conversions: 0 } },
        { upsert: true, returnDocument: 'after' },
      ).lean() as Promise<CampaignCounterDoc | null>,
  );
}

/** Adds the spend to the day and lifetime counters; returns the counters of each campaign to check against its budget. */
async function addSpend(deps: SpendDeps, spend: DaySpend[]): Promise<Map<string, TouchedCounters>> {
  const touched = new Map<string, TouchedCounters>();
  for (const s of spend) {
    const [day, total] = await Promise.all([
      upsertSpend(deps, `${s.campaignId}|${s.day}`, s.campaignId, s.day, s.cents),
      upsertSpend(deps, `${s.campaignId}|total`, s.campaignId, 'total', s.cents),
    ]);
    // Only today's day counter can close the campaign now; an earlier day's spend still counts toward the lifetime budget.
    if (s.day === dayKey(Date.now())) touched.set(s.campaignId, { day, total });
    else if (!touched.has(s.campaignId)) touched.set(s.campaignId, { day: null, total });
  }
  return touched;
}

async function announceExhaustedBudgets(deps: SpendDeps, touched: Map<string, TouchedCounters>): Promise<void> {
  for (const [campaignId, counters] of touched) {
    const c = await deps.models.Campaign.findById(campaignId, { caps: 1, payoutModel: 1, revenueCents: 1 }).lean();
    if (c?.caps && limitReached(c.caps, counters.day, counters.total, nextSpendCents(c)) === 'budget_exhausted') {
      await publishInvalidation(deps, { kind: 'campaign', id: campaignId });
    }
  }
}

/**
 * CPC spend goes to the campaign's day and lifetime counters once per batch;
 * when a budget is used up the API instances are told, so the next click goes
 * to the fallback.
 */
export async function applyClickSpend(deps: SpendDeps, batch: ClickBatch, docs: ClickDoc[]): Promise<void> {
  const spend = spendByCampaignDay(docs);
  if (spend.length === 0) return;
  const mark = deps.keys.clickBatchMark(batch.id, 'spend');
  if ((await deps.redis.set(mark, '1', 'EX', BATCH_MARK_TTL_S, 'NX')) !== 'OK') return;
  let touched: Map<string, TouchedCounters>;
  try {
    touched = await addSpend(deps, spend);
  } catch (err) {
    // Not applied (or not entirely): let the retry apply it. A counter already bumped here may then count twice;
    // that needs MongoDB to fail between two writes of the same batch.
    await deps.redis.del(mark).catch(() => {});
    throw err;
  }
  await announceExhaustedBudgets(deps, touched);
}
