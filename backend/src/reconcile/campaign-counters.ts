import type { AnyBulkWriteOperation } from 'mongodb';
import type { AppContext } from '../context';
import type { CampaignCounterDoc } from '../db/models/campaign-counter';
import { groupSum } from '../db/group-sum';
import { clicksCollectionName, listClickPartitions, partitionDay } from '../db/raw-events';
import { diffTallies, tallyAdd, type Difference, type Tally } from '../domain/reconcile-diff';
import { counterId, TOTAL_DAY } from '../conversions/cap-gate';
import { ALL_CAMPAIGNS, readCampaignDirectory } from '../campaigns/campaign-directory';
import { findEachById } from '../db/by-ids';
import { bulkWriteInChunks } from '../db/bulk-write';

/**
 * What the daily cap and budget counters should hold, per `campaignId|day`:
 * the conversions holding a place that day (`capHeld`, by `capDay`) and their
 * revenue, plus the CPC spend of the day's stored clicks (`clickSpend`, by
 * `campaignId|day`). `days` null: every day.
 */
async function expectedCounters(ctx: AppContext, days: string[] | null, clickSpend: ReadonlyMap<string, number>): Promise<Tally> {
  const expected: Tally = new Map();
  const held = await groupSum(ctx.db, 'conversions', { capHeld: true, ...(days ? { capDay: { $in: days } } : {}) }, { c: 'campaignId', d: 'capDay' }, { n: 1, spend: 'revenueCents' });
  for (const g of held) tallyAdd(expected, `${g.key.c as string}|${g.key.d as string}`, { conversions: g.sums.n, spendCents: g.sums.spend });
  const daySet = days ? new Set(days) : null;
  for (const [key, cents] of clickSpend) if (!daySet || daySet.has(key.slice(key.lastIndexOf('|') + 1))) tallyAdd(expected, key, { spendCents: cents });
  return expected;
}

const counterCollection = (ctx: AppContext) => ctx.db.collection<CampaignCounterDoc>(ctx.models.CampaignCounter.collection.collectionName);

/**
 * The daily counters of `days` against what they count. A place taken twice
 * (a crash between the counter and the conversion) or never given back shows
 * up here: caps err on the safe side, but the advertiser would get fewer
 * conversions than it allowed.
 */
export async function counterDifferences(ctx: AppContext, days: string[], clickSpend: ReadonlyMap<string, number>): Promise<Difference[]> {
  if (days.length === 0) return [];
  const expected = await expectedCounters(ctx, days, clickSpend);
  // Every campaign's counter of each day, by `_id` (campaigns × days), not a query over all the counters.
  const campaignIds = new Set([...expected.keys()].map((k) => k.slice(0, k.lastIndexOf('|'))));
  for (const [id] of await readCampaignDirectory(ctx.db, ALL_CAMPAIGNS)) campaignIds.add(id);
  const ids = [...campaignIds].flatMap((c) => days.map((d) => counterId(c, d)));
  const actual: Tally = new Map();
  for (const c of await findEachById(counterCollection(ctx), ids)) tallyAdd(actual, c._id, { conversions: c.conversions, spendCents: c.spendCents });
  return diffTallies('campaign_counters', expected, actual, ['conversions', 'spendCents']);
}

/** CPC spend of the stored clicks of `days` (all days: null), per `campaignId|day`: one scan of each day partition. */
async function clickSpendOf(ctx: AppContext, days: string[] | null): Promise<Map<string, number>> {
  const spend = new Map<string, number>();
  const wanted = days ? new Set(days) : null;
  for (const key of await listClickPartitions(ctx.db)) {
    const day = partitionDay(key);
    if (wanted && !wanted.has(day)) continue;
    for (const g of await groupSum(ctx.db, clicksCollectionName(key), {}, { c: 'campaignId' }, { r: 'revenueCents' })) {
      const k = `${g.key.c as string}|${day}`;
      if (g.sums.r) spend.set(k, (spend.get(k) ?? 0) + g.sums.r);
    }
  }
  return spend;
}

/**
 * Rewrites every cap and budget counter (daily and lifetime) from what it
 * counts: after loading history in bulk (the seed), or to repair a drift
 * reconciliation found. Counters of campaigns with nothing left are zeroed.
 * `clickSpend`, when the caller wrote the clicks and knows their CPC spend
 * (per `campaignId|day`), spares a scan of every raw click partition.
 */
export async function rebuildCampaignCounters(ctx: AppContext, known: { clickSpend?: ReadonlyMap<string, number> } = {}): Promise<{ counters: number }> {
  const expected = await expectedCounters(ctx, null, known.clickSpend ?? (await clickSpendOf(ctx, null)));
  const totals: Tally = new Map();
  for (const [key, v] of expected) tallyAdd(totals, `${key.slice(0, key.lastIndexOf('|'))}|${TOTAL_DAY}`, v);
  const col = counterCollection(ctx);
  const existing = (await col.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  const ops: AnyBulkWriteOperation<CampaignCounterDoc>[] = [...expected, ...totals].map(([_id, v]) => {
    const campaignId = _id.slice(0, _id.lastIndexOf('|'));
    const day = _id.slice(_id.lastIndexOf('|') + 1);
    return { updateOne: { filter: { _id }, update: { $set: { campaignId, day, conversions: v.conversions ?? 0, spendCents: v.spendCents ?? 0 } }, upsert: true } };
  });
  for (const _id of existing) if (!expected.has(_id) && !totals.has(_id)) ops.push({ updateOne: { filter: { _id }, update: { $set: { conversions: 0, spendCents: 0 } } } });
  await bulkWriteInChunks(col, ops);
  return { counters: ops.length };
}

/**
 * Corrects the counters of past `days` that differ from what they count, with
 * `$inc`s of the difference on the day and the lifetime counter, so traffic
 * taking places meanwhile (always on the current day) is never overwritten.
 * Running it again changes nothing.
 */
export async function repairCampaignCounters(ctx: AppContext, days: string[]): Promise<{ repaired: number; differences: Difference[] }> {
  const differences = await counterDifferences(ctx, days, await clickSpendOf(ctx, days));
  const deltas: Tally = new Map();
  for (const d of differences) tallyAdd(deltas, d.key, { [d.field]: d.expected - d.actual });
  for (const [key, delta] of deltas) {
    const campaignId = key.slice(0, key.lastIndexOf('|'));
    const day = key.slice(key.lastIndexOf('|') + 1);
    const inc = { conversions: delta.conversions ?? 0, spendCents: delta.spendCents ?? 0 };
    for (const [_id, d] of [[key, day], [`${campaignId}|${TOTAL_DAY}`, TOTAL_DAY]]) {
      await counterCollection(ctx).updateOne({ _id }, { $inc: inc, $setOnInsert: { campaignId, day: d } }, { upsert: true });
    }
  }
  return { repaired: deltas.size, differences };
}
