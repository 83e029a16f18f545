import type { Db } from 'mongodb';
import { Schema, type Connection } from 'mongoose';
import type { MetricSums } from '../../domain/metrics';

/**
 * Rolled-up counters, like a ClickHouse SummingMergeTree but replaced, never
 * incremented: re-rolling a bucket rewrites it from the raw events.
 * `stats_hourly` _id: `<hourISO>|<campaignId>|<affiliateId>|<sub1 or ''>`;
 * sub1 is '' unless the campaign has `trackSub1`. Reports read the report
 * documents built from the same rows (db/report-docs.ts); this collection is
 * what reconciliation checks the rollup against and what keeps the click
 * counts of days whose raw partitions retention dropped.
 */
export interface StatValues extends MetricSums {
  approvedRevenueCents: number;
  approvedPayoutCents: number;
  /** The part of revenue/payout that comes from CPC clicks (kept apart so conversions can be re-rolled alone). */
  cpcRevenueCents: number;
  cpcPayoutCents: number;
}

export interface StatKeys {
  campaignId: string;
  affiliateId: string;
  advertiserId: string;
  currency: string;
  sub1: string;
}

export interface HourlyStatDoc extends StatValues, StatKeys {
  _id: string;
  hour: Date;
  day: string;
}

export const STAT_VALUE_FIELDS = [
  'clicks',
  'uniqueClicks',
  'invalidClicks',
  'conversions',
  'approvedConversions',
  'pendingConversions',
  'rejectedConversions',
  'revenueCents',
  'payoutCents',
  'approvedRevenueCents',
  'approvedPayoutCents',
  'cpcRevenueCents',
  'cpcPayoutCents',
] as const satisfies ReadonlyArray<keyof StatValues>;

export const CLICK_VALUE_FIELDS = ['clicks', 'uniqueClicks', 'invalidClicks', 'cpcRevenueCents', 'cpcPayoutCents'] as const satisfies ReadonlyArray<keyof StatValues>;

export function emptyStatValues(): StatValues {
  return Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, 0])) as unknown as StatValues;
}

const valueFields = Object.fromEntries(STAT_VALUE_FIELDS.map((f) => [f, { type: Number, default: 0 }]));
const keyFields = {
  campaignId: { type: String, required: true },
  affiliateId: { type: String, required: true },
  advertiserId: { type: String, required: true },
  currency: { type: String, required: true },
  sub1: { type: String, default: '' },
};

const hourlySchema = new Schema<HourlyStatDoc>(
  { _id: { type: String, required: true }, hour: { type: Date, required: true }, day: { type: String, required: true }, ...keyFields, ...valueFields },
  { versionKey: false, collection: 'stats_hourly' },
);
hourlySchema.index({ campaignId: 1, hour: 1 });
hourlySchema.index({ affiliateId: 1, hour: 1 });
hourlySchema.index({ hour: 1 });
hourlySchema.index({ day: 1 });

export const hourlyStatModel = (conn: Connection) => conn.model<HourlyStatDoc>('HourlyStat', hourlySchema);

/** Native collections, for bulk writes and aggregations without document casting. */
export const statsHourly = (db: Db) => db.collection<HourlyStatDoc>('stats_hourly');
