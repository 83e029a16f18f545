import crypto from 'node:crypto';
import type { AppContext } from '../../src/context';
import { newId } from '../../src/db/ids';
import type { CampaignDoc } from '../../src/db/models/campaign';
import { countStatusMove, countStoredConversions, listConversions } from '../../src/conversions/conversion-list';
import { recordConversionHours } from '../../src/db/conversion-hours';
import { queueDueWork } from '../../src/conversions/due-work';
import type { ConversionDoc } from '../../src/db/models/conversion';
import { clickPartition, partitionDay, partitionKey, type ClickDoc } from '../../src/db/raw-events';
import { statusFlags, type ConversionStatus } from '../../src/domain/attribution';
import { newClickId } from '../../src/domain/click-id';
import { dayKey, hourStart } from '../../src/domain/time-buckets';

/**
 * Test data straight into the raw-event collections, shaped exactly as the
 * click and conversion workers store it (day partitions, 0/1 flags, cents
 * precomputed per status, hour buckets). Every event is also kept in memory
 * so tests can compute the expected totals independently of the rollups.
 */
export type BuiltCampaign = Pick<CampaignDoc, '_id' | 'advertiserId' | 'currency' | 'trackSub1' | 'name'>;

/** What a click was classified by at the redirect, and the sub IDs beyond sub1 (null or absent: none). */
export interface ClickDims {
  country?: string | null;
  device?: string;
  os?: string;
  browser?: string;
  sub2?: string | null;
  sub3?: string | null;
  sub4?: string | null;
  sub5?: string | null;
}

/** The event an expectation is computed from. */
export interface ExpectedEvent extends ClickDims {
  hour: number;
  campaignId: string;
  affiliateId: string;
  sub1: string | null;
}

const dimsOf = (s: ClickDims) => ({
  sub2: s.sub2 ?? null,
  sub3: s.sub3 ?? null,
  sub4: s.sub4 ?? null,
  sub5: s.sub5 ?? null,
  ...(typeof s.country === 'string' ? { country: s.country } : {}),
  ...(s.device !== undefined ? { device: s.device } : {}),
  ...(s.os !== undefined ? { os: s.os } : {}),
  ...(s.browser !== undefined ? { browser: s.browser } : {}),
});

export interface ClickSpec extends ClickDims {
  at: number;
  campaign: BuiltCampaign;
  affiliateId: string;
  unique?: 0 | 1;
  invalid?: boolean;
  sub1?: string | null;
  cpcRevenueCents?: number;
  cpcPayoutCents?: number;
}

export interface ConversionSpec extends ClickDims {
  at: number;
  campaign: BuiltCampaign;
  affiliateId: string;
  status?: ConversionStatus;
  revenueCents?: number;
  payoutCents?: number;
  sub1?: string | null;
  suspectedFraud?: boolean;
  clickAt?: number;
}

export class RawEventsBuilder {
  readonly clicks: ClickDoc[] = [];
  readonly conversions: ConversionDoc[] = [];

  constructor(private readonly ctx: AppContext) {}

  async campaign(over: Partial<CampaignDoc> = {}): Promise<BuiltCampaign> {
    const doc = await this.ctx.models.Campaign.create({
      advertiserId: newId(),
      name: `Campaign ${crypto.randomBytes(3).toString('hex')}`,
      destinationUrl: 'https://shop.example.com/?c={click_id}',
      currency: 'USD',
      payoutModel: 'CPA',
      revenueCents: 1000,
      payoutCents: 700,
      postbackSecret: crypto.randomBytes(12).toString('hex'),
      ...over,
    });
    return doc.toObject() as CampaignDoc;
  }

  clickDoc(s: ClickSpec): ClickDoc {
    const invalid = s.invalid ? 1 : 0;
    const unique = s.unique ?? 1;
    return {
      _id: newClickId(s.at),
      ts: new Date(s.at),
      hour: new Date(hourStart(s.at)),
      linkId: `L${s.campaign._id.slice(-4)}${s.affiliateId.slice(-4)}`,
      campaignId: s.campaign._id,
      affiliateId: s.affiliateId,
      advertiserId: s.campaign.advertiserId,
      unique,
      valid: invalid ? 0 : 1,
      invalid,
      reason: invalid ? 'bot' : null,
      sub1: s.sub1 ?? null,
      visitor: crypto.randomBytes(8).toString('hex'),
      ua: 'Mozilla/5.0 (test)',
      country: null,
      ...dimsOf(s),
      referer: null,
      deepLink: null,
      revenueCents: s.cpcRevenueCents ?? 0,
      payoutCents: s.cpcPayoutCents ?? 0,
      currency: s.campaign.currency,
    };
  }

  /** Inserts clicks into their day partitions. */
  async addClicks(specs: ClickSpec[]): Promise<ClickDoc[]> {
    const docs = specs.map((s) => this.clickDoc(s));
    const byPartition = new Map<string, ClickDoc[]>();
    for (const d of docs) {
      const k = partitionKey(d.ts.getTime());
      byPartition.set(k, [...(byPartition.get(k) ?? []), d]);
    }
    for (const [key, list] of byPartition) {
      const day = partitionDay(key);
      const col = await clickPartition(this.ctx.db, key);
      for (let i = 0; i < list.length; i += 5000) await col.insertMany(list.slice(i, i + 5000), { ordered: false });
      // CPC spend counts against the campaign's budget, as the click worker adds it.
      const spend = new Map<string, number>();
      for (const d of list) if (d.revenueCents) spend.set(d.campaignId, (spend.get(d.campaignId) ?? 0) + d.revenueCents);
      for (const [campaignId, cents] of spend) await this.bumpCounters(campaignId, day, 0, cents);
    }
    this.clicks.push(...docs);
    return docs;
  }

  /** The cap and budget counters (daily and lifetime), kept as the click worker and the cap gate keep them. */
  private async bumpCounters(campaignId: string, day: string, conversions: number, spendCents: number): Promise<void> {
    const counters = this.ctx.db.collection<{ _id: string }>(this.ctx.models.CampaignCounter.collection.collectionName);
    for (const d of [day, 'total']) {
      await counters.updateOne({ _id: `${campaignId}|${d}` }, { $inc: { conversions, spendCents }, $setOnInsert: { campaignId, day: d } }, { upsert: true });
    }
  }

  async addClick(s: ClickSpec): Promise<ClickDoc> {
    return (await this.addClicks([s]))[0]!;
  }

  conversionDoc(s: ConversionSpec): ConversionDoc {
    const status = s.status ?? 'approved';
    const revenueCents = s.revenueCents ?? 1000;
    const payoutCents = s.payoutCents ?? 700;
    const clickId = newClickId(s.clickAt ?? s.at - 60_000);
    const flags = statusFlags(status);
    const now = new Date();
    return {
      _id: newId(),
      clickId,
      linkId: 'L',
      campaignId: s.campaign._id,
      affiliateId: s.affiliateId,
      advertiserId: s.campaign.advertiserId,
      txnId: crypto.randomBytes(6).toString('hex'),
      clickKey: clickId,
      status,
      reason: status === 'rejected' ? 'advertiser_rejected' : null,
      suspectedFraud: s.suspectedFraud ?? false,
      ...flags,
      currency: s.campaign.currency,
      saleAmountCents: null,
      revenueCents,
      payoutCents,
      revApprovedCents: flags.approved ? revenueCents : 0,
      revPendingCents: flags.pending ? revenueCents : 0,
      payApprovedCents: flags.approved ? payoutCents : 0,
      payPendingCents: flags.pending ? payoutCents : 0,
      capHeld: status !== 'rejected',
      capDay: status !== 'rejected' ? dayKey(s.at) : null,
      clickedAt: new Date(s.clickAt ?? s.at - 60_000),
      convertedAt: new Date(s.at),
      hour: new Date(hourStart(s.at)),
      approvedAt: status === 'approved' ? new Date(s.at) : null,
      sub1: s.sub1 ?? null,
      ...dimsOf(s),
      payoutId: null,
      history: [{ at: new Date(s.at), by: null, from: null, to: status, reason: null, note: '' }],
      createdAt: now,
      updatedAt: now,
    };
  }

  async addConversions(specs: ConversionSpec[]): Promise<ConversionDoc[]> {
    const docs = specs.map((s) => this.conversionDoc(s));
    // Like indexNewConversion: buckets before the rows, counters once they are stored.
    await recordConversionHours(this.ctx.db, docs);
    await listConversions(this.ctx.db, docs);
    await queueDueWork(this.ctx.db, docs);
    if (docs.length) await this.ctx.models.Conversion.collection.insertMany(docs as never[], { ordered: false });
    await countStoredConversions(this.ctx.db, docs);
    for (const d of docs) if (d.capHeld && d.capDay) await this.bumpCounters(d.campaignId, d.capDay, 1, d.revenueCents);
    this.conversions.push(...docs);
    return docs;
  }

  async addConversion(s: ConversionSpec): Promise<ConversionDoc> {
    return (await this.addConversions([s]))[0]!;
  }

  /** Changes a conversion's status the way the review API does (flags and cents per status). */
  async setStatus(conversionId: string, status: ConversionStatus): Promise<void> {
    const c = this.conversions.find((x) => x._id === conversionId);
    if (!c) throw new Error(`unknown conversion ${conversionId}`);
    const flags = statusFlags(status);
    if (c.status !== status) await countStatusMove(this.ctx.db, c, c.status, status);
    // Like the review API: a rejection gives the cap place back, a later approval takes one again.
    const holds = status !== 'rejected';
    if (holds !== c.capHeld) {
      const day = c.capDay ?? dayKey(c.convertedAt.getTime());
      await this.bumpCounters(c.campaignId, day, holds ? 1 : -1, holds ? c.revenueCents : -c.revenueCents);
      Object.assign(c, { capHeld: holds, capDay: holds ? day : null });
    }
    Object.assign(c, {
      status,
      ...flags,
      revApprovedCents: flags.approved ? c.revenueCents : 0,
      revPendingCents: flags.pending ? c.revenueCents : 0,
      payApprovedCents: flags.approved ? c.payoutCents : 0,
      payPendingCents: flags.pending ? c.payoutCents : 0,
    });
    // Like the status change: queued for the jobs of its new status before the change.
    await queueDueWork(this.ctx.db, [c]);
    const { status: st, approved, pending, rejected, revApprovedCents, revPendingCents, payApprovedCents, payPendingCents, capHeld, capDay } = c;
    await this.ctx.models.Conversion.collection.updateOne(
      { _id: conversionId } as never,
      { $set: { status: st, approved, pending, rejected, revApprovedCents, revPendingCents, payApprovedCents, payPendingCents, capHeld, capDay } },
    );
  }

  /**
   * Expected totals computed from the events kept in memory, independent of
   * the rollup code: per `key(event)` (e.g. hour|campaign|affiliate).
   */
  expected(key: (e: ExpectedEvent) => string | null) {
    const out = new Map<string, Record<string, number>>();
    const add = (k: string | null, v: Record<string, number>) => {
      if (k === null) return;
      const row = out.get(k) ?? {};
      for (const [f, n] of Object.entries(v)) row[f] = (row[f] ?? 0) + n;
      out.set(k, row);
    };
    for (const c of this.clicks) {
      add(key({ ...c, hour: c.hour.getTime() }), {
        clicks: 1,
        uniqueClicks: c.unique,
        invalidClicks: c.invalid,
        revenueCents: c.revenueCents,
        payoutCents: c.payoutCents,
      });
    }
    for (const v of this.conversions) {
      add(key({ ...v, hour: v.hour.getTime() }), {
        conversions: v.approved + v.pending,
        approvedConversions: v.approved,
        pendingConversions: v.pending,
        rejectedConversions: v.rejected,
        revenueCents: v.revApprovedCents + v.revPendingCents,
        payoutCents: v.payApprovedCents + v.payPendingCents,
      });
    }
    return out;
  }
}
