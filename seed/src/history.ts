import type { AppContext } from '../../backend/src/context';
import { countStoredConversions, listConversions } from '../../backend/src/conversions/conversion-list';
import { countStoredPostbacks, listPostbacks } from '../../backend/src/conversions/postback-list';
import { recordConversionHours } from '../../backend/src/db/conversion-hours';
import { isDuplicateKey } from '../../backend/src/db/duplicate-key';
import { queueDueWork } from '../../backend/src/conversions/due-work';
import { insertNew } from '../../backend/src/db/insert-new';
import type { ConversionDoc } from '../../backend/src/db/models/conversion';
import type { PostbackDoc } from '../../backend/src/db/models/postback';
import { clickPartition, partitionKey, type ClickDoc } from '../../backend/src/db/raw-events';
import { statusFlags, type ConversionStatus } from '../../backend/src/domain/attribution';
import { clickValue, conversionValue } from '../../backend/src/domain/payout-models';
import { DAY_MS, dayKey, hourStart } from '../../backend/src/domain/time-buckets';
import type { SeededNetwork } from './accounts';
import { BOT_UAS, BROWSER_UAS, COUNTRIES } from './catalog';
import type { LiveTally } from './live';
import { Prng, cumulative, paretoWeights } from './prng';

export interface HistoryOptions {
  clicks: number;
  days: number;
  windowEnd: number;
  seed: number;
  /** Days already written by an earlier run; skipped. */
  done: Set<string>;
  onProgress(clicks: number): void;
  onDayDone(day: string): Promise<void>;
  /** Collects the events the live counters show (today, the last hour), also of days written before. */
  live?: LiveTally;
}

export interface HistoryCounts {
  clicks: number;
  conversions: number;
  postbacks: number;
  /** Days written by this call (the others were written by an earlier run). */
  daysWritten: number;
  /** CPC spend of every click of the window (earlier runs' days too), per `campaignId|UTC day`, as the cap counters hold it. */
  clickSpend: Map<string, number>;
}

const WEEKDAY = [0.8, 1.05, 1.1, 1.1, 1.05, 0.95, 0.8];
const hourWeight = (h: number) => 0.35 + 0.65 * ((1 + Math.cos((2 * Math.PI * (h - 19)) / 24)) / 2);
const HOURS_CUM = cumulative(Array.from({ length: 24 }, (_, h) => hourWeight(h)));

/** Hour partitions filled side by side: separate collections (separate locks on FerretDB), one insert each. */
const PARTITION_CONCURRENCY = 8;
const INSERT_CHUNK = 5000;

async function insertIgnoringDuplicates(col: { insertMany(docs: never[], o: object): Promise<unknown> }, docs: unknown[]): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    try {
      await col.insertMany(docs.slice(i, i + INSERT_CHUNK) as never[], { ordered: false });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** Inserts conversions and counts, for the conversions list, only those this run stored (a re-run skips existing ones). */
async function insertCountedConversions(ctx: AppContext, docs: ConversionDoc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    const chunk = docs.slice(i, i + INSERT_CHUNK);
    const { existing } = await insertNew(ctx.db.collection<ConversionDoc>('conversions'), chunk);
    const skip = new Set(existing);
    await countStoredConversions(ctx.db, chunk.filter((_, j) => !skip.has(j)));
  }
}

async function insertCountedPostbacks(ctx: AppContext, docs: PostbackDoc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    const chunk = docs.slice(i, i + INSERT_CHUNK);
    const { existing } = await insertNew(ctx.db.collection<PostbackDoc>('postbacks'), chunk);
    const skip = new Set(existing);
    await countStoredPostbacks(ctx.db, chunk.filter((_, j) => !skip.has(j)));
  }
}

/** Each click in its own UTC hour's partition, where the rollups and the click lookups find it; several partitions at once. */
async function insertClicks(ctx: AppContext, clicks: ClickDoc[], onProgress: (n: number) => void): Promise<void> {
  const byPartition = new Map<string, ClickDoc[]>();
  for (const click of clicks) {
    const key = partitionKey(click.ts.getTime());
    const list = byPartition.get(key);
    if (list) list.push(click);
    else byPartition.set(key, [click]);
  }
  const parts = [...byPartition];
  let next = 0;
  const worker = async () => {
    while (next < parts.length) {
      const [partition, list] = parts[next++]!;
      await insertIgnoringDuplicates((await clickPartition(ctx.db, partition)) as never, list);
      onProgress(list.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTITION_CONCURRENCY, parts.length) }, worker));
}

interface DayEvents {
  day: string;
  clicks: ClickDoc[];
  conversions: ConversionDoc[];
  postbacks: PostbackDoc[];
}

/**
 * Writes one generated day: the clicks, and beside them the conversions and
 * postbacks (their keys, list entries and due queues first, as the pipeline
 * writes them before a row; then the rows, counted once stored). The day is
 * marked done only once everything is in, so an interrupted run writes it
 * again (nothing twice: every write is keyed by `_id`).
 */
async function writeDay(ctx: AppContext, ev: DayEvents, o: Pick<HistoryOptions, 'onProgress' | 'onDayDone'>): Promise<void> {
  const { conversions, postbacks } = ev;
  await Promise.all([
    insertClicks(ctx, ev.clicks, o.onProgress),
    (async () => {
      await Promise.all([recordConversionHours(ctx.db, conversions), listConversions(ctx.db, conversions), queueDueWork(ctx.db, conversions), listPostbacks(ctx.db, postbacks)]);
      await Promise.all([insertCountedConversions(ctx, conversions), insertCountedPostbacks(ctx, postbacks)]);
    })(),
  ]);
  await o.onDayDone(ev.day);
}

/**
 * Writes `days` days of raw clicks, conversions and postbacks ending at
 * `windowEnd`: weekly and daily seasonality, a long tail of affiliates and
 * campaigns, sub IDs, repeat visitors, bots, paused-campaign traffic, caps and
 * every conversion status. One day at a time, into that day's partitions:
 * a day is written while the next one is generated.
 */
export async function writeHistory(ctx: AppContext, net: SeededNetwork, o: HistoryOptions): Promise<HistoryCounts> {
  const windowStart = o.windowEnd - o.days * DAY_MS;
  const dayWeights = Array.from({ length: o.days }, (_, k) => {
    const t = windowStart + k * DAY_MS;
    const available = Math.min(1, (o.windowEnd - t) / DAY_MS);
    return WEEKDAY[new Date(t).getUTCDay()]! * (1 + (0.3 * k) / o.days) * available;
  });
  const totalWeight = dayWeights.reduce((a, b) => a + b, 0);
  const campaignCum = cumulative(paretoWeights(net.campaigns.length, 0.8));
  const linkCums = net.campaigns.map((c) => cumulative(paretoWeights(c.links.length, 1.1)));
  const affiliateById = new Map(net.affiliates.map((a) => [a.id, a]));
  const counts: HistoryCounts = { clicks: 0, conversions: 0, postbacks: 0, daysWritten: 0, clickSpend: new Map() };
  // Cap state per campaign: conversions and spend per UTC day and in total.
  const capState = new Map<string, { day: Map<string, { n: number; spend: number }>; total: { n: number; spend: number } }>();
  let inFlight: Promise<void> | null = null;

  for (let k = 0; k < o.days; k++) {
    const dayStartMs = windowStart + k * DAY_MS;
    const day = dayKey(dayStartMs);
    const rng = new Prng(o.seed * 1000 + k);
    const n = Math.round((o.clicks * dayWeights[k]!) / totalWeight);
    const recent = new Map<string, string[]>();
    const clicks: ClickDoc[] = [];
    const conversions: ConversionDoc[] = [];
    const postbacks: PostbackDoc[] = [];

    for (let i = 0; i < n; i++) {
      let ts = dayStartMs + rng.weighted(HOURS_CUM) * 3_600_000 + rng.int(3_600_000);
      if (ts >= o.windowEnd) ts = dayStartMs + rng.int(Math.max(1, o.windowEnd - dayStartMs));
      const ci = rng.weighted(campaignCum);
      const camp = net.campaigns[ci]!;
      const link = camp.links[rng.weighted(linkCums[ci]!)]!;
      const aff = affiliateById.get(link.affiliateId)!;
      const c = camp.doc;
      const seen = recent.get(link._id) ?? [];
      const repeat = seen.length > 0 && rng.chance(0.15);
      const visitor = repeat ? rng.pick(seen) : rng.hex(32);
      if (!repeat) {
        seen.push(visitor);
        if (seen.length > 200) seen.shift();
        recent.set(link._id, seen);
      }
      const bot = rng.chance(0.03);
      const pausedAt = camp.demo.pausedDaysAgo !== undefined ? o.windowEnd - camp.demo.pausedDaysAgo * DAY_MS : Infinity;
      const reason = bot ? 'bot' : ts >= pausedAt ? 'campaign_paused' : null;
      const valid = reason === null;
      const unique = !repeat;
      const override = c.overrides.find((x) => x.affiliateId === aff.id) ?? null;
      const cpc = clickValue({ model: c.payoutModel, revenueCents: c.revenueCents, payoutCents: c.payoutCents }, override, { unique, valid });
      const clickId = ts.toString(16).padStart(12, '0') + rng.hex(20);
      const sub1 = aff.sources.length ? rng.pick(aff.sources) : null;
      const click: ClickDoc = {
        _id: clickId, ts: new Date(ts), hour: new Date(hourStart(ts)), linkId: link._id, campaignId: c._id, affiliateId: aff.id,
        advertiserId: c.advertiserId, unique: unique ? 1 : 0, valid: valid ? 1 : 0, invalid: valid ? 0 : 1, reason,
        sub1, sub2: `cr-${rng.int(20)}`, sub3: rng.chance(0.3) ? `pl-${rng.int(8)}` : null, sub4: null, sub5: null,
        visitor, ua: bot ? rng.pick(BOT_UAS) : rng.pick(BROWSER_UAS), country: rng.pick(COUNTRIES), referer: null, deepLink: null,
        revenueCents: cpc.revenueCents, payoutCents: cpc.payoutCents, currency: c.currency,
      };
      clicks.push(click);
      o.live?.click(click);
      if (cpc.revenueCents) {
        const key = `${c._id}|${dayKey(ts)}`;
        counts.clickSpend.set(key, (counts.clickSpend.get(key) ?? 0) + cpc.revenueCents);
      }

      if (!valid || !rng.chance(camp.demo.cr * (unique ? 1 : 0.4))) continue;
      const fraud = c.minClickToConversionSeconds > 0 && rng.chance(0.01);
      const delayMs = fraud ? rng.int(c.minClickToConversionSeconds * 1000) : (c.minClickToConversionSeconds + 5) * 1000 + rng.exp(3 * 3_600_000);
      const convertedAt = ts + delayMs;
      if (convertedAt >= o.windowEnd || delayMs > c.attributionWindowDays * DAY_MS) continue;
      const amount = c.payoutModel === 'CPS' ? Math.max(500, Math.round(rng.logNormal(4500, 0.8))) : null;
      const value = conversionValue({ model: c.payoutModel, revenueCents: c.revenueCents, payoutCents: c.payoutCents, revenueBps: c.revenueBps, payoutBps: c.payoutBps }, override, amount);
      if (!value.ok) continue;
      const ageDays = (o.windowEnd - convertedAt) / DAY_MS;
      let status: ConversionStatus;
      let why: string | null = null;
      if (fraud) {
        status = 'pending';
        why = 'suspected_fraud';
      } else if (c.approvalMode === 'manual' && ageDays < (c.autoApproveAfterDays ?? 7) && rng.chance(0.8)) {
        status = 'pending';
        why = 'manual_review';
      } else if (ageDays > 1 && rng.chance(camp.demo.rejectRate)) {
        status = 'rejected';
        why = 'advertiser_rejected';
      } else {
        status = 'approved';
      }
      const capDay = dayKey(convertedAt);
      let st = capState.get(c._id);
      if (!st) capState.set(c._id, (st = { day: new Map(), total: { n: 0, spend: 0 } }));
      const d = st.day.get(capDay) ?? { n: 0, spend: 0 };
      const caps = c.caps;
      let capHeld = status !== 'rejected';
      if (capHeld) {
        if ((caps.dailyConversions !== null && d.n >= caps.dailyConversions) || (caps.totalConversions !== null && st.total.n >= caps.totalConversions)) {
          status = 'rejected';
          why = 'cap_reached';
          capHeld = false;
        } else if (
          (caps.dailyBudgetCents !== null && d.spend + value.revenueCents > caps.dailyBudgetCents) ||
          (caps.totalBudgetCents !== null && st.total.spend + value.revenueCents > caps.totalBudgetCents)
        ) {
          status = 'rejected';
          why = 'budget_exhausted';
          capHeld = false;
        } else {
          d.n++;
          d.spend += value.revenueCents;
          st.total.n++;
          st.total.spend += value.revenueCents;
          st.day.set(capDay, d);
        }
      }
      const id = rng.hex(24);
      const txnId = `ORD-${rng.hex(10).toUpperCase()}`;
      const flags = statusFlags(status);
      conversions.push({
        _id: id, clickId, linkId: link._id, campaignId: c._id, affiliateId: aff.id, advertiserId: c.advertiserId, txnId,
        clickKey: c.oneConversionPerClick ? clickId : `${clickId}|${txnId}`, status, reason: why, suspectedFraud: fraud,
        ...flags, currency: c.currency, saleAmountCents: amount, revenueCents: value.revenueCents, payoutCents: value.payoutCents,
        revApprovedCents: flags.approved * value.revenueCents, revPendingCents: flags.pending * value.revenueCents,
        payApprovedCents: flags.approved * value.payoutCents, payPendingCents: flags.pending * value.payoutCents,
        capHeld, capDay: capHeld ? capDay : null, clickedAt: new Date(ts), convertedAt: new Date(convertedAt), hour: new Date(hourStart(convertedAt)),
        approvedAt: status === 'approved' ? new Date(convertedAt) : null,
        sub1: click.sub1, sub2: click.sub2, sub3: click.sub3, sub4: null, sub5: null, payoutId: null,
        history: [{ at: new Date(convertedAt), by: null, from: null, to: status, reason: why, note: 'postback' }],
        createdAt: new Date(convertedAt), updatedAt: new Date(convertedAt),
      });
      o.live?.conversion({ convertedAt: new Date(convertedAt), campaignId: c._id, affiliateId: aff.id, currency: c.currency, status, revenueCents: value.revenueCents, payoutCents: value.payoutCents });
      const rejectedAtIntake = why === 'cap_reached' || why === 'budget_exhausted';
      postbacks.push({
        _id: id, receivedAt: new Date(convertedAt), method: 'GET', ip: null, test: false,
        params: { click_id: clickId, txn_id: txnId, ...(amount !== null ? { amount: (amount / 100).toFixed(2) } : {}) },
        state: rejectedAtIntake ? 'rejected' : 'attributed', reason: rejectedAtIntake ? why : null, detail: null,
        campaignId: c._id, advertiserId: c.advertiserId, conversionId: rejectedAtIntake ? null : id,
        resolvedAt: new Date(convertedAt + 200),
      });
      // Advertisers sometimes fire the same postback twice, or with a click id from elsewhere.
      if (rng.chance(0.02)) {
        postbacks.push({
          _id: rng.hex(24), receivedAt: new Date(convertedAt + 60_000), method: 'GET', ip: null, test: false,
          params: { click_id: clickId, txn_id: txnId }, state: 'rejected', reason: 'duplicate', detail: null,
          campaignId: c._id, advertiserId: c.advertiserId, conversionId: null, resolvedAt: new Date(convertedAt + 60_200),
        });
      }
      if (rng.chance(0.01)) {
        postbacks.push({
          _id: rng.hex(24), receivedAt: new Date(convertedAt + 30_000), method: 'GET', ip: null, test: false,
          params: { click_id: rng.hex(32), txn_id: `ORD-${rng.hex(10).toUpperCase()}` }, state: 'rejected', reason: 'unknown_click', detail: null,
          campaignId: c._id, advertiserId: c.advertiserId, conversionId: null, resolvedAt: new Date(convertedAt + 30_200),
        });
      }
    }

    // This day is written while the next one is generated (one day in flight at a time).
    await inFlight;
    if (!o.done.has(day)) {
      inFlight = writeDay(ctx, { day, clicks, conversions, postbacks }, o);
      inFlight.catch(() => {}); // awaited (and thrown) at the next day or the end
      counts.daysWritten += 1;
    } else {
      inFlight = null;
      o.onProgress(clicks.length);
    }
    counts.clicks += clicks.length;
    counts.conversions += conversions.length;
    counts.postbacks += postbacks.length;
  }
  await inFlight;
  return counts;
}

