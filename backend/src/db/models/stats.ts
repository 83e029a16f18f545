import type { Db } from 'mongodb';
import { Schema, type Connection } from 'mongoose';
import type { MetricSums } from '../../domain/metrics';

/**
 * Rolled-up counters, like a ClickHouse SummingMergeTree but replaced, never
 * incremented: re-rolling a bucket rewrites it from the raw events.
 * `stats_hourly` _id: `<hourISO>|<campaignId>|<affiliateId>|<sub1 or ''>`;
 * `stats_daily` _id: `<YYYYMMDD>|<campaignId>|<affiliateId>|<sub1 or ''>`.
 * sub1 is '' unless the campaign has `trackSub1`.
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

export interface DailyStatDoc extends StatValues, StatKeys {
  _id: string;
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

const dailySchema = new Schema<DailyStatDoc>(
  { _id: { type: String, required: true }, day: { type: String, required: true }, ...keyFields, ...valueFields },
  { versionKey: false, collection: 'stats_daily' },
);
dailySchema.index({ campaignId: 1, day: 1 });
dailySchema.index({ affiliateId: 1, day: 1 });
dailySchema.index({ day: 1 });

export const hourlyStatModel = (conn: Connection) => conn.model<HourlyStatDoc>('HourlyStat', hourlySchema);
export const dailyStatModel = (conn: Connection) => conn.model<DailyStatDoc>('DailyStat', dailySchema);

/** Native collections, for bulk writes and aggregations without document casting. */
export const statsHourly = (db: Db) => db.collection<HourlyStatDoc>('stats_hourly');
export const statsDaily = (db: Db) => db.collection<DailyStatDoc>('stats_daily');
